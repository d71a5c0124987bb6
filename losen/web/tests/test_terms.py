"""One Swedish term per thing: the catalogue uses the chosen word, never its variants.

The chosen terms follow the glossary in docs/architecture.md and the words Swedish
municipalities use: a referral is an *anmälan* (not a *remiss*), the outreach ladder is
*kontakttrappan* (not *kontaktstegen*), a measure is an *insats* (not an *åtgärd*), the
staircase of measures an *insatstrappa*, consent *samtycke*, mapping *kartläggning*.
Redirecting a young person to another service is another thing, *hänvisa vidare*.
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from losen.web.tests.test_translations import LOCALE_DIR, po_path

# (rejected variant, the term to use; only in messages whose English matches, if given)
REJECTED = [
    (r"\bremi(ss|tt)", "anmälan (referral): anmälan, anmälningar, anmäld", None),
    (r"\bhänvisning(?! vidare)", "anmälan (referral); hänvisning vidare is a redirect", None),
    (r"kontaktsteg|kontaktstege", "kontakttrappan (the contact ladder)", None),
    (r"åtgärdstrapp|stödtrapp|insatsstege", "insatstrappa (the staircase of measures)", None),
    (r"\båtgärd", "insats (a measure)", r"measure"),
    (r"\bmedgivande", "samtycke (consent)", None),
    (r"\butredning", "kartläggning (mapping)", r"mapping"),
]


def swedish_messages() -> list[tuple[str, str]]:
    with po_path(LOCALE_DIR, "sv").open("rb") as f:
        catalogue = read_po(f, locale="sv")
    found = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(english, string) for string in strings if string]
    return found


def test_the_swedish_catalogue_uses_one_term_per_thing():
    problems = [
        f"{english!r}: {swedish!r} – use {term}"
        for english, swedish in swedish_messages()
        for rejected, term, only_in in REJECTED
        if (only_in is None or re.search(only_in, english, re.I))
        and re.search(rejected, swedish, re.I)
    ]
    assert not problems, "\n".join(problems)


def test_the_chosen_terms_are_there():
    swedish = " ".join(string for _english, string in swedish_messages())
    for term in ("anmälan", "kontakttrappan", "insatstrappa", "samtycke", "kartläggning"):
        assert re.search(term, swedish, re.I), term
