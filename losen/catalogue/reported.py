"""Loading the measures NAV offices reported in their grant reports for 2022 (seed 004).

The rows were read from the published table of 143 reports (data/README.md says how);
they are public knowledge of what exists, kept as read, with each answer's confidence.
Migration 0002 loads them into every installation; `load_reported` adds any that are
missing (after a database was emptied, say) and leaves the others as they are. It takes
the model as an argument, so the migration can pass its historical one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from losen.lib.search import fold

SOURCE = Path(__file__).resolve().parent / "data" / "nav-grant-measures-2022.json"
REPORT_TYPES = {"Statusrapportering": "status", "Sluttrapportering": "final"}
# The answers a search reads besides the name, office and county.
SEARCHED = ("target_group", "measure", "develops", "achieved", "law_sections", "partners")


def reported_rows() -> list[dict[str, Any]]:
    """The rows of the file, as the model's fields."""
    rows = []
    for record in json.loads(SOURCE.read_text(encoding="utf-8"))["records"]:
        answers = record["answers"]
        kind = (record.get("report_type") or "").split(" ", 1)[0]
        words = [record["name"], record["office"], record["county"]]
        words += [answers[key]["text"] for key in SEARCHED if key in answers]
        rows.append(
            {
                "source_id": record["id"],
                "source_page": record["page"],
                "name": record["name"],
                "office": record["office"],
                "county": record["county"],
                "report_type": REPORT_TYPES.get(kind, ""),
                "answers": answers,
                "search_text": fold(" ".join(words)),
            }
        )
    return rows


def load_reported(model: Any) -> int:
    """Add the reported measures that are missing; returns how many were added."""
    present = set(model.objects.values_list("source_id", flat=True))
    missing = [model(**row) for row in reported_rows() if row["source_id"] not in present]
    model.objects.bulk_create(missing, batch_size=200)
    return len(missing)
