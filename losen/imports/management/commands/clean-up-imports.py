"""`losen clean-up-imports`: undo the history imports a crash left half written.

A history import writes a chunk of cases at a time and shows them only when it is
complete (losen/imports/runs.py). One that stopped on the way (the process killed, the
machine down) stays hidden; the next import into the same organisation removes it, and
this command removes every such run at once (for cron, or after a crash).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from losen.imports import runs


class Command(BaseCommand):
    help = (
        "Remove what history imports left behind when they stopped half-way (hidden "
        f"since; no sign of life for {runs.ABANDONED_AFTER})."
    )

    def handle(self, *args, **options) -> None:
        count = runs.do_clean_up_abandoned()
        self.stdout.write(f"{count} abandoned import(s) removed.")
