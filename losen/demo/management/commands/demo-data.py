"""`losen demo-data --youths N [--seed S] [--reset]`: load the made-up demo world.

The work is done in losen/demo/world.py (and chain.py for the follow-up chain).
Django names commands after their module files; it finds and imports this hyphenated
one too (importlib accepts the name).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from losen.demo import world as demo

# Exit status when the demo world is already there (the Makefile treats it as "done").
ALREADY_LOADED = 3


class Command(BaseCommand):
    help = (
        f"Create the demo world: {len(demo.ORGANISATIONS)} organisations, their teams, "
        f"{len(demo.USERS)} users (password '{demo.PASSWORD}') and N made-up young people "
        "with synthetic (Norway) or published test (Sweden) identity numbers. "
        f"Exits with status {ALREADY_LOADED} when it is already loaded (see --reset)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--youths", type=int, default=300, help="how many young people (default 300)"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="the same seed gives the same people (default %(default)s)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the previous demo world (organisations, people, users, log rows) first",
        )

    def handle(self, *args, youths: int, seed: int, reset: bool, **options) -> None:
        if youths < 0:
            raise CommandError("--youths cannot be negative.")
        try:
            summary = demo.load_demo_world(
                youths,
                seed=seed,
                reset=reset,
                progress=self.stdout.write if options["verbosity"] >= 1 else None,
            )
        except demo.DemoWorldExists as exc:
            raise CommandError(str(exc), returncode=ALREADY_LOADED) from None
        except demo.DemoNotAllowed as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {summary.people} young people ({summary.with_identity_number} with "
                f"an identity number, {summary.guardians} guardians, {summary.follows} "
                f"team followings) in {summary.seconds:.1f} s."
            )
        )
        for name, count in summary.per_organisation.items():
            self.stdout.write(f"  {name}: {count}")
        if summary.chain is not None:
            states = ", ".join(
                f"{state} {n}" for state, n in sorted(summary.chain.by_state.items())
            )
            self.stdout.write(
                f"Cases: {summary.chain.cases} ({states}); {summary.chain.events} case events, "
                f"{summary.chain.exits} exits."
            )
        self.stdout.write("")
        for line in demo.describe_logins():
            self.stdout.write(line)
