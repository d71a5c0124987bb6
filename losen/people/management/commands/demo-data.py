"""`losen demo-data`: Django finds commands by module file name, so this alias gives the
hyphenated name (import_module accepts "...commands.demo-data"). See demo_data.py."""

from losen.people.management.commands.demo_data import Command

__all__ = ["Command"]
