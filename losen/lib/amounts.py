"""Amounts for people to read: grouped by thousands as the language writes them.

Norwegian and Swedish group with a no-break space and use a decimal comma (12 000,
41,2), English with a comma (12,000). Django's locale formats already say so; this
forces the grouping, which the site leaves off for numbers in general (years, ids).
Machine-readable output (JSON) keeps its numbers as numbers and does not use this.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def format_amount(value: int | float | Decimal) -> str:
    """The number grouped by thousands in the current language: "12 000" in nb and sv."""
    return number_format(value, force_grouping=True)
