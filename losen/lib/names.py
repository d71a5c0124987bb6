"""Comparing people's names as typed by different hands.

Two hands write the same name differently: in capitals or not, with extra spaces, with a
hyphen or a space in a double name, with or without a middle name ("Nora Hansen" in a
NAV letter, "Nora Marie Hansen" in the register). `same_name` says whether a typed name
can be the registered person's name, so that an identity number typed with the name
either confirms the person or is caught as a mistyped number.

The rule (words are compared case-insensitively, after Unicode normalisation, with
hyphens read as spaces):

- the words of the one full name are all among the words of the other: a middle name or
  a second family name may be left out on either side, but no word may differ;
- and the given names share a word, and the family names share a word: "Hansen Nora"
  typed the wrong way round, or a sibling with the same family name, is not a match.

Letters are not folded: "Åse" and "Ase" differ (å is its own letter in Norwegian and
Swedish), and a spelling mistake is a different name. Refusing a true match costs a
correction of the name; accepting a false one files a young person under someone else.
"""

from __future__ import annotations

import unicodedata


def name_words(text: str) -> set[str]:
    """The name's words, case-folded, hyphens read as spaces."""
    text = unicodedata.normalize("NFKC", text)
    return {word for word in text.replace("-", " ").casefold().split() if word}


def same_name(typed_first: str, typed_last: str, first: str, last: str) -> bool:
    """Whether the typed name can be the name registered as `first` `last`."""
    typed_given, typed_family = name_words(typed_first), name_words(typed_last)
    given, family = name_words(first), name_words(last)
    typed, registered = typed_given | typed_family, given | family
    if not (typed <= registered or registered <= typed):
        return False
    return bool(typed_given & given) and bool(typed_family & family)
