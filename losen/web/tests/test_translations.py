"""The gettext catalogues (nb, sv, en) are complete and cover every string in the code.

Norwegian Bokmål is the default language: an untranslated string shows up in English
in front of a coordinator, so a missing or fuzzy translation fails the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import trans_real

import losen

PACKAGE_DIR = Path(losen.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ["nb", "sv", "en"]
SETTINGS = "losen.settings_test"


def po_path(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path, language: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, abort_invalid=True)


def messages(catalogue: Catalog) -> dict:
    """The catalogue's messages by msgid (a tuple of singular and plural for plurals)."""
    return {message.id: message for message in catalogue if message.id}


def is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(strings)


def show(msgids) -> str:
    return "\n".join(f"  {msgid!r}" for msgid in msgids)


def test_every_catalogue_is_complete():
    problems = []
    for language in LANGUAGES:
        catalogue = read_catalogue(po_path(LOCALE_DIR, language), language)
        if catalogue.fuzzy:
            problems.append(f"{language}: the header is marked fuzzy")
        if catalogue.num_plurals != 2:
            problems.append(f"{language}: Plural-Forms gives {catalogue.num_plurals} forms, not 2")
        fuzzy = [m.id for m in messages(catalogue).values() if m.fuzzy]
        empty = [m.id for m in messages(catalogue).values() if not is_translated(m)]
        if fuzzy:
            problems.append(f"{language}: fuzzy translations:\n{show(fuzzy)}")
        if empty:
            problems.append(f"{language}: untranslated messages:\n{show(empty)}")
    assert not problems, "\n".join(problems)


def test_every_translation_keeps_the_placeholders_of_the_original():
    problems = []
    for language in LANGUAGES:
        catalogue = read_catalogue(po_path(LOCALE_DIR, language), language)
        for message, errors in catalogue.check():
            problems += [f"{language}: {message.id!r}: {error}" for error in errors]
    assert not problems, "\n".join(problems)


def test_the_catalogues_cover_every_string_in_the_code(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail(
            "xgettext is not on PATH: install GNU gettext (apt-get install gettext) "
            "to check that the catalogues cover every string in the code."
        )
    shutil.copytree(
        PACKAGE_DIR, tmp_path / "losen", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": SETTINGS}

    # The settings find the locale folder from their own file: make sure that is the copy,
    # so that makemessages below rewrites the copy and never the repository's catalogues.
    locale_paths = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(*settings.LOCALE_PATHS)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(locale_paths).resolve() == (tmp_path / "losen" / "locale").resolve()

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "nb",
            "--no-location",
            "--no-obsolete",
            "--ignore=tests",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    in_code = messages(read_catalogue(po_path(tmp_path / "losen" / "locale", "nb"), "nb"))
    catalogues = {
        language: messages(read_catalogue(po_path(LOCALE_DIR, language), language))
        for language in LANGUAGES
    }
    norwegian = catalogues["nb"]
    missing = [msgid for msgid in in_code if msgid not in norwegian]
    fuzzy = [msgid for msgid in in_code if msgid in norwegian and norwegian[msgid].fuzzy]
    untranslated = [
        msgid for msgid in in_code if msgid in norwegian and not is_translated(norwegian[msgid])
    ]
    hint = (
        "run `losen makemessages -l nb -l sv -l en --no-location --ignore=.venv "
        "--ignore=tests --ignore=var` and translate the new strings"
    )
    assert not missing, f"strings in the code missing from nb ({hint}):\n{show(missing)}"
    assert not fuzzy, f"strings in the code with a fuzzy nb translation:\n{show(fuzzy)}"
    assert not untranslated, f"strings in the code not translated to nb:\n{show(untranslated)}"
    for language in ["sv", "en"]:
        others = catalogues[language]
        assert set(others) == set(norwegian), (
            f"{language} and nb have different messages ({hint}).\n"
            f"Only in nb:\n{show(set(norwegian) - set(others))}\n"
            f"Only in {language}:\n{show(set(others) - set(norwegian))}"
        )


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """Compile a .mo that is missing or older than its .po, as `make` does before tests."""
    compiled = False
    for language in LANGUAGES:
        po = po_path(LOCALE_DIR, language)
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = read_catalogue(po, language)
        partial = mo.with_name(f"django.mo.{os.getpid()}.tmp")
        with partial.open("wb") as f:
            write_mo(f, catalogue)
        partial.replace(mo)  # atomic: parallel test workers never read half a file
        compiled = True
    if compiled:
        # Django keeps the catalogues it has loaded for the life of the process.
        trans_real._translations.clear()
        trans_real._default = None
    return compiled


def test_the_norwegian_interface_uses_norwegian():
    with translation.override("nb"):
        assert translation.gettext("Young people") == "Unge"
    with translation.override("sv"):
        assert translation.gettext("Young people") == "Unga"
    with translation.override("en"):
        assert translation.gettext("Young people") == "Young people"
