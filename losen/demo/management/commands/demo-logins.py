"""`losen demo-logins [--url URL]`: the box `make demo` shows, with every demo login.

The logins come from losen/demo/organisations.py (USERS), so the box lists each one there is.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from losen.demo import world as demo


class Command(BaseCommand):
    help = "Print the demo's address and every demo login in a box."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the demo's address")

    def handle(self, *args, url: str, **options) -> None:
        self.stdout.write("")
        for line in demo.login_box(url):
            self.stdout.write("  " + line)
        self.stdout.write("")
