"""`losen clean-up-imports`: undo the imports a crash left half written.

The history import and the target-list import write a chunk at a time and show what
they wrote only when they are complete (losen/imports/runs.py, losen/outreach/importer.py).
One that stopped on the way (the process killed, the machine down) stays hidden; the next
import into the same organisation removes it, and this command removes every such
import at once (for cron, or after a crash).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from losen.imports import runs
from losen.outreach.actions.lists import do_clean_up_abandoned


class Command(BaseCommand):
    help = (
        "Remove what history and list imports left behind when they stopped half-way "
        f"(hidden since; no sign of life for {runs.ABANDONED_AFTER})."
    )

    def handle(self, *args, **options) -> None:
        history = runs.do_clean_up_abandoned()
        lists = do_clean_up_abandoned()
        self.stdout.write(
            f"{history} abandoned history import(s) and {lists} list import(s) removed."
        )
