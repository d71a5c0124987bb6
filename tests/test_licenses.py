"""`make licenses`: every runtime dependency's licence, and whether EUPL-1.2 Losen may use it."""

from __future__ import annotations

import importlib.util
import sys
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("scripts_licenses", ROOT / "scripts" / "licenses.py")
licenses = importlib.util.module_from_spec(_spec)
sys.modules["scripts_licenses"] = licenses  # dataclasses look their module up there
_spec.loader.exec_module(licenses)


def metadata(text: str):
    """Package metadata as importlib.metadata reads it (RFC 822 headers)."""
    return HeaderParser().parsestr("Metadata-Version: 2.4\nName: example\nVersion: 1.0\n" + text)


def test_permissive_licences_are_fine():
    for name in ("MIT", "BSD-3-Clause", "Apache-2.0", "PSF-2.0", "ISC", "MIT-CMU", "0BSD"):
        assert licenses.kind_of_expression(name) == "permissive", name


def test_lgpl_and_mpl_are_weak_copyleft_in_every_spelling():
    for name in ("LGPL-3.0-only", "LGPL-2.1-or-later", "LGPL-2.0+", "MPL-2.0", "lgpl-3.0"):
        assert licenses.kind_of_expression(name) == "weak", name


def test_the_licences_of_the_eupl_appendix_are_copyleft():
    for name in ("GPL-3.0-or-later", "AGPL-3.0-only", "EUPL-1.2", "EPL-1.0", "CECILL-2.1"):
        assert licenses.kind_of_expression(name) == "copyleft", name


def test_a_proprietary_or_unrecognised_licence_is_unknown():
    for name in ("Proprietary", "LicenseRef-Commercial", "BUSL-1.1", "SSPL-1.0", "CC-BY-NC-4.0"):
        assert licenses.kind_of_expression(name) == "unknown", name


def test_a_choice_takes_the_most_open_and_a_combination_the_least_open():
    assert licenses.kind_of_expression("Apache-2.0 OR BSD-3-Clause") == "permissive"
    assert licenses.kind_of_expression("GPL-2.0-only OR MIT") == "permissive"
    assert licenses.kind_of_expression("MIT AND LGPL-3.0-only") == "weak"
    assert licenses.kind_of_expression("MIT AND Proprietary") == "unknown"
    assert licenses.kind_of_expression("(MIT AND GPL-3.0-only) OR MPL-2.0") == "weak"
    assert licenses.kind_of_expression("MIT OR LGPL-2.1 AND Proprietary") == "permissive"


def test_an_exception_keeps_the_licences_kind():
    expression = "GPL-2.0-or-later WITH Classpath-exception-2.0"
    assert licenses.kind_of_expression(expression) == "copyleft"


def test_a_malformed_expression_is_unknown():
    for expression in ("MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", ""):
        assert licenses.kind_of_expression(expression) == "unknown", expression


def test_the_license_expression_field_comes_first():
    meta = metadata("License-Expression: MIT\nLicense: Proprietary\n")
    assert licenses.licence_of(meta) == licenses.Licence("MIT", "License-Expression", "permissive")


def test_a_short_license_field_is_read_as_a_name():
    meta = metadata("License: BSD\nClassifier: License :: Other/Proprietary License\n")
    assert licenses.licence_of(meta) == licenses.Licence("BSD", "License", "permissive")
    meta = metadata("License: LGPL\n")
    assert licenses.licence_of(meta).kind == "weak"


def test_a_license_field_holding_the_whole_text_gives_way_to_the_classifiers():
    meta = metadata(
        "License: Copyright (c) someone\n        Permission is hereby granted, free of charge\n"
        "Classifier: License :: OSI Approved :: MIT License\n"
    )
    assert licenses.licence_of(meta) == licenses.Licence("MIT License", "classifiers", "permissive")


def test_several_classifiers_are_a_choice():
    meta = metadata(
        "Classifier: Programming Language :: Python\n"
        "Classifier: License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)\n"
        "Classifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later "
        "(LGPLv2+)\n"
        "Classifier: License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)\n"
    )
    licence = licenses.licence_of(meta)
    assert licence.source == "classifiers"
    assert licence.kind == "weak"


def test_a_proprietary_classifier_or_no_licence_at_all_is_unknown():
    meta = metadata("Classifier: License :: Other/Proprietary License\n")
    assert licenses.licence_of(meta).kind == "unknown"
    meta = metadata("Classifier: License :: OSI Approved\nLicense: UNKNOWN\n")
    assert licenses.licence_of(meta) == licenses.Licence("(none stated)", "-", "unknown")


def test_the_listing_passes_for_installed_permissive_packages(tmp_path, capsys):
    from importlib.metadata import version

    lock = tmp_path / "requirements.lock"
    lock.write_text(
        f"django=={version('django')} \\\n    --hash=sha256:00\n    # via losen (pyproject.toml)\n"
        f"whitenoise=={version('whitenoise')} \\\n    --hash=sha256:00\n"
    )
    assert licenses.main([str(lock)]) == 0
    out = capsys.readouterr().out
    assert "django " in out
    assert "BSD-3-Clause" in out
    assert "may be used under EUPL-1.2" in out


def test_the_listing_fails_for_a_package_that_is_not_installed(tmp_path, capsys):
    lock = tmp_path / "requirements.lock"
    lock.write_text("surely-not-installed-package==1.0 \\\n    --hash=sha256:00\n")
    assert licenses.main([str(lock)]) == 1
    assert "(not installed)" in capsys.readouterr().out


def test_every_runtime_dependency_of_the_lock_file_may_be_used(capsys):
    assert licenses.main([str(ROOT / "requirements.lock")]) == 0, capsys.readouterr().err
