"""Words typed into a search, matched alike in Norwegian and Swedish, on SQLite and PostgreSQL.

A searchable row keeps a folded copy of its text (`fold`), and a search asks for every
folded word of the query in it (`words`). Folding lower-cases the way Python does for
every letter (SQLite's LIKE lower-cases only A to Z, so "Øst" would not find "øst"), and
writes the Norwegian and Swedish letters alike (ø and ö as o, æ and ä as a, å as a), so a
word the two languages spell with different letters (Norwegian "høst", Swedish "höst";
"ungdomsgaranti" and "særskilt" typed without the letters on a borrowed keyboard) finds
both.
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans({"ø": "o", "ö": "o", "æ": "a", "ä": "a", "å": "a"})
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case, Norwegian and Swedish letters alike, other accents dropped, one space."""
    text = text.casefold().translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text))


def words(query: str) -> list[str]:
    """The folded words of a query, each at most once, in the order typed."""
    return list(dict.fromkeys(fold(query).split()))
