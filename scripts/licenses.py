"""List the licence of every runtime dependency, and check that Losen (EUPL-1.2) may use it.

    .venv/bin/python scripts/licenses.py [requirements.lock]

Every package pinned in the lock file is looked up in the installed distributions
(importlib.metadata), and its licence read from, in this order:

1. ``License-Expression`` (an SPDX expression, PEP 639), as ``Apache-2.0 OR BSD-3-Clause``;
2. ``License``, when it is a short name (some packages put the whole text there: that is
   skipped);
3. the ``License ::`` trove classifiers; several of them are read as a choice (a package
   that lists GPL, LGPL and MPL offers all three).

Each licence gets a kind:

``permissive``   MIT, BSD, Apache, PSF, ISC, zlib and the like
``weak``         weak copyleft: LGPL, MPL; fine for a library Losen uses unchanged
``copyleft``     GPL, AGPL, EUPL and the other licences of the EUPL's appendix; compatible
                 by the EUPL's article 5, but the combined work may then have to be
                 distributed under that licence: a reviewer should know
``unknown``      anything else: proprietary, unrecognised, or no licence found

An expression ``A OR B`` takes the most open of its parts, ``A AND B`` the least open.
The script prints one line per package (with the version the lock pins; the licence is
read from the installed one) and exits 1 if any is unknown or not installed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# From most to least open; the order is what OR and AND compare.
KINDS = ("permissive", "weak", "copyleft", "unknown")

# SPDX identifiers (lower case, without "-only" / "-or-later" / "+") by kind.
SPDX_KINDS = {
    "permissive": {
        "0bsd",
        "apache-1.1",
        "apache-2.0",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "cc0-1.0",
        "hpnd",
        "isc",
        "mit",
        "mit-0",
        "mit-cmu",
        "psf-2.0",
        "python-2.0",
        "unlicense",
        "zlib",
        "zpl-2.1",
    },
    "weak": {
        "lgpl-2.0",
        "lgpl-2.1",
        "lgpl-3.0",
        "mpl-1.1",
        "mpl-2.0",
    },
    "copyleft": {
        "agpl-3.0",
        "cecill-2.0",
        "cecill-2.1",
        "epl-1.0",
        "eupl-1.1",
        "eupl-1.2",
        "gpl-2.0",
        "gpl-3.0",
        "osl-2.1",
        "osl-3.0",
    },
}

# Short names found in the License field and in classifiers, lower case.
ALIASES = {
    "apache": "apache-2.0",
    "apache 2.0": "apache-2.0",
    "apache license 2.0": "apache-2.0",
    "apache license, version 2.0": "apache-2.0",
    "apache software license": "apache-2.0",
    "bsd": "bsd-3-clause",
    "bsd license": "bsd-3-clause",
    "isc license (iscl)": "isc",
    "lgpl": "lgpl-2.1",
    "lgplv2+": "lgpl-2.0",
    "lgplv3": "lgpl-3.0",
    "mit license": "mit",
    "psf": "psf-2.0",
    "python software foundation license": "psf-2.0",
    "gnu lesser general public license v2 or later (lgplv2+)": "lgpl-2.0",
    "gnu lesser general public license v3 (lgplv3)": "lgpl-3.0",
    "gnu lesser general public license v3 or later (lgplv3+)": "lgpl-3.0",
    "gnu library or lesser general public license (lgpl)": "lgpl-2.1",
    "gnu general public license v2 or later (gplv2+)": "gpl-2.0",
    "gnu general public license v3 (gplv3)": "gpl-3.0",
    "gnu general public license v3 or later (gplv3+)": "gpl-3.0",
    "gnu affero general public license v3": "agpl-3.0",
    "mozilla public license 1.1 (mpl 1.1)": "mpl-1.1",
    "mozilla public license 2.0 (mpl 2.0)": "mpl-2.0",
    "european union public licence 1.1 (eupl 1.1)": "eupl-1.1",
    "european union public licence 1.2 (eupl 1.2)": "eupl-1.2",
    "zope public license": "zpl-2.1",
}

CLASSIFIER_PREFIXES = ("License :: OSI Approved :: ", "License :: ")


def kind_of_name(name: str) -> str:
    """The kind of one licence name: an SPDX identifier or a common short name."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    key = re.sub(r"(-only|-or-later|\+)$", "", key)
    for kind, names in SPDX_KINDS.items():
        if key in names:
            return kind
    return "unknown"


def _most_open(kinds: list[str]) -> str:
    return min(kinds, key=KINDS.index)


def _least_open(kinds: list[str]) -> str:
    return max(kinds, key=KINDS.index)


def kind_of_expression(expression: str) -> str:
    """The kind of an SPDX expression: OR takes the most open part, AND the least open.

    A ``WITH`` exception (``GPL-2.0-or-later WITH Classpath-exception-2.0``) only widens
    what the licence allows, so the licence's own kind is kept.
    """
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    position = 0

    def peek() -> str:
        return tokens[position].upper() if position < len(tokens) else ""

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> str:
        kinds = [both()]
        while peek() == "OR":
            take()
            kinds.append(both())
        return _most_open(kinds)

    def both() -> str:
        kinds = [one()]
        while peek() == "AND":
            take()
            kinds.append(one())
        return _least_open(kinds)

    def one() -> str:
        if peek() == "(":
            take()
            kind = either()
            if peek() != ")":
                raise ValueError(expression)
            take()
            return kind
        if peek() in ("", ")", "OR", "AND", "WITH"):
            raise ValueError(expression)
        kind = kind_of_name(take())
        if peek() == "WITH":
            take()
            if not peek():
                raise ValueError(expression)
            take()
        return kind

    try:
        kind = either()
    except (ValueError, IndexError):
        return "unknown"
    return kind if position == len(tokens) else "unknown"


@dataclass(frozen=True)
class Licence:
    text: str  # as the package states it
    source: str  # "License-Expression", "License" or "classifiers"
    kind: str


def licence_of(meta) -> Licence:
    """The licence a distribution's metadata states (see the module's docstring)."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return Licence(expression, "License-Expression", kind_of_expression(expression))
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60 and field.upper() != "UNKNOWN":
        kind = kind_of_expression(field)
        if kind == "unknown":
            kind = kind_of_name(field)
        return Licence(field, "License", kind)
    names = [
        classifier.removeprefix(CLASSIFIER_PREFIXES[0]).removeprefix(CLASSIFIER_PREFIXES[1])
        for classifier in meta.get_all("Classifier") or []
        if classifier.startswith(CLASSIFIER_PREFIXES[1])
    ]
    names = [name for name in names if name != "OSI Approved"]
    if names:
        kind = _most_open([kind_of_name(name) for name in names])
        return Licence(" / ".join(names), "classifiers", kind)
    return Licence("(none stated)", "-", "unknown")


def locked_packages(lock_file: Path) -> list[tuple[str, str]]:
    """(name, version) of every package pinned in a pip-compile lock file."""
    pins = []
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins.append((match[1], match[2]))
    return pins


def main(argv: list[str]) -> int:
    lock_file = Path(argv[0]) if argv else ROOT / "requirements.lock"
    problems = 0
    rows = []
    for name, version in locked_packages(lock_file):
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            rows.append((name, version, "(not installed)", "-", "unknown"))
            problems += 1
            continue
        licence = licence_of(meta)
        source = licence.source
        if meta["Version"] != version:  # the dev lock may pin another version
            source += f"; {meta['Version']} installed"
        rows.append((name, version, licence.text, source, licence.kind))
        problems += licence.kind == "unknown"
    width = max(len(row[0]) + len(row[1]) + 1 for row in rows)
    print(f"{'package':<{width}}  {'kind':<10}  licence  [read from]")
    for name, version, text, source, kind in rows:
        print(f"{name + ' ' + version:<{width}}  {kind:<10}  {text}  [{source}]")
    print()
    if problems:
        print(
            f"{problems} of {len(rows)} packages have a licence not known to be compatible "
            "with EUPL-1.2 (kind 'unknown'): check it by hand, and if it is fine, add it "
            "to scripts/licenses.py.",
            file=sys.stderr,
        )
        return 1
    print(f"All {len(rows)} runtime dependencies of {lock_file.name} may be used under EUPL-1.2.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
