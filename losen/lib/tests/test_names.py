"""Whether a typed name can be the registered person's (losen/lib/names.py)."""

from __future__ import annotations

import pytest

from losen.lib.names import same_name


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        (("Nora", "Hansen"), ("Nora", "Hansen")),
        ((" nora ", "HANSEN"), ("Nora", "Hansen")),
        (("Nora  Marie", "Hansen"), ("Nora Marie", "Hansen")),
        (("Nora", "Hansen"), ("Nora Marie", "Hansen")),  # the middle name left out
        (("Nora Marie", "Hansen"), ("Nora", "Hansen")),  # the middle name added
        (("Nora", "Marie Hansen"), ("Nora Marie", "Hansen")),  # in the other field
        (("Nora", "Hansen Berg"), ("Nora", "Hansen-Berg")),  # hyphen or space
        (("Nora", "Hansen"), ("Nora", "Hansen-Berg")),  # a second family name left out
        (("Åse", "Ødegård"), ("ÅSE", "ØDEGÅRD")),
    ],
)
def test_the_same_name_typed_by_another_hand_matches(typed, registered):
    assert same_name(*typed, *registered)


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        (("Emma", "Larsen"), ("Nora", "Hansen")),
        (("Emma", "Hansen"), ("Nora", "Hansen")),  # a sibling
        (("Hansen", "Nora"), ("Nora", "Hansen")),  # the fields the wrong way round
        (("Nora", "Hanssen"), ("Nora", "Hansen")),  # a spelling mistake is another name
        (("Ase", "Hansen"), ("Åse", "Hansen")),  # å is a letter of its own
        (("Nora Emma", "Hansen"), ("Nora Marie", "Hansen")),  # a middle name differs
        (("", ""), ("Nora", "Hansen")),
    ],
)
def test_another_name_does_not_match(typed, registered):
    assert not same_name(*typed, *registered)
