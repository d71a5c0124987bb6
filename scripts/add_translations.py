"""Add or update messages in the nb, sv and en catalogues from a JSON file.

    .venv/bin/python scripts/add_translations.py strings.json

The JSON file is a list of entries:

    [{"msgid": "Targets", "nb": "Mål", "sv": "Mål"},
     {"msgid": "%(n)s row", "msgid_plural": "%(n)s rows",
      "nb": ["%(n)s rad", "%(n)s rader"], "sv": ["%(n)s rad", "%(n)s rader"]},
     {"msgid": "May", "msgctxt": "month", "nb": "Mai", "sv": "Maj"}]

English is the source language, so its translation is the msgid itself. The catalogues
are rewritten under an exclusive lock, so several people (or processes) can add strings
at the same time, and compiled to .mo afterwards so a running server picks them up.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "losen" / "locale"
LANGUAGES = ("nb", "sv", "en")


def _string(entry: dict, language: str):
    if language == "en":
        if entry.get("msgid_plural"):
            return (entry["msgid"], entry["msgid_plural"])
        return entry["msgid"]
    value = entry[language]
    return tuple(value) if isinstance(value, list) else value


def add(entries: list[dict]) -> None:
    lock_path = LOCALE_DIR / ".lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for language in LANGUAGES:
            po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
            with po.open("rb") as f:
                catalogue = read_po(f, locale=language)
            for entry in entries:
                msgid = entry["msgid"]
                if entry.get("msgid_plural"):
                    msgid = (entry["msgid"], entry["msgid_plural"])
                context = entry.get("msgctxt")
                existing = catalogue.get(entry["msgid"], context=context)
                if existing is not None:
                    existing.string = _string(entry, language)
                    existing.flags.discard("fuzzy")
                else:
                    catalogue.add(msgid, _string(entry, language), context=context)
            with po.open("wb") as f:
                write_po(f, catalogue, width=76)
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalogue)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    entries = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    missing = [e["msgid"] for e in entries if "nb" not in e or "sv" not in e]
    if missing:
        print("Entries without nb or sv:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    add(entries)
    print(f"{len(entries)} messages added or updated in {', '.join(LANGUAGES)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
