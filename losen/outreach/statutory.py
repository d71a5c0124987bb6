"""The statutory exports: the half-yearly KAA file to Statistics Sweden, the OT counts.

Each export's layout is a versioned data file in ``losen/outreach/layouts/`` (its name,
version, scheme, kind, cut-off days per half-year, format and columns; a column takes a
``source`` and may map values through ``codes``). The export reads the layout it is
given; nothing of a layout is written in code. The documented example layouts are marked
``"example": true`` (the real SCB layout is not public here).

Before anything is written the export is checked: every person has a valid identity
number of the scheme's country, every value has a code in the layout, nobody is in the
file twice, and the number of rows equals the count of the target group at the cut-off
date. A problem refuses the export with every problem listed (people named by their
entry's number, never by identity number).

The figures are read "as known" at the moment the export is made (counts.py), and the
moment is stored: the same half-year made again replaces the earlier export, and the
earlier figures can always be made again from the stored moment.

Only the KAA file carries identity numbers (personnummer), because the reporting to SCB
must; it is stored encrypted, and each download writes an access-log row per person.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation

from losen.accounts.models import Organisation, User
from losen.audit.actions import do_log_accesses, do_log_change
from losen.audit.models import Purpose
from losen.lib import crypto
from losen.lib.idnumbers import InvalidIdentityNumber, parse_identity_number
from losen.outreach import statuses
from losen.outreach.counts import status_counts
from losen.outreach.ladder import in_group_on
from losen.outreach.listfile import SCHEME_COUNTRY, SCHEME_KINDS
from losen.outreach.models import KaaMeasure, KaaRecord, StatusChange, StatutoryExport, TargetEntry

LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"
_PERIOD = re.compile(r"(?P<year>20[0-9]{2})H(?P<half>[12])")


class ExportRefused(Exception):
    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Layout:
    name: str
    version: str
    scheme: str
    kind: str  # "people" or "counts"
    # The title by language ("en" at least): the layout files are data, not code.
    titles: dict[str, str]
    example: bool
    contains_identity_numbers: bool
    delimiter: str
    header: bool
    cutoffs: dict[str, str]
    columns: tuple[dict, ...]

    @property
    def title(self) -> str:
        """The title in the interface language, else in English."""
        return self.titles.get(translation.get_language() or "", self.titles["en"])

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def cutoff(self, period: str) -> datetime.date:
        match = _PERIOD.fullmatch(period)
        if match is None:
            raise ExportRefused(f"{period!r} is not a half-year such as 2026H1.")
        month, day = self.cutoffs[f"H{match['half']}"].split("-")
        return datetime.date(int(match["year"]), int(month), int(day))


@lru_cache(maxsize=16)
def layouts() -> dict[str, Layout]:
    found = {}
    for path in sorted(LAYOUT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        layout = Layout(
            name=data["layout"],
            version=str(data["version"]),
            scheme=data["scheme"],
            kind=data["kind"],
            titles=data["title"] if isinstance(data["title"], dict) else {"en": data["title"]},
            example=bool(data.get("example")),
            contains_identity_numbers=bool(data.get("contains_identity_numbers")),
            delimiter=data["format"]["delimiter"],
            header=bool(data["format"].get("header", True)),
            cutoffs=data["cutoffs"],
            columns=tuple(data["columns"]),
        )
        found[layout.key] = layout
    return found


def layouts_for(scheme: str) -> list[Layout]:
    return [layout for layout in layouts().values() if layout.scheme == scheme]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _people_rows(
    organisation: Organisation, layout: Layout, period: str, day, known_at
) -> tuple[list[list[str]], list[int], list[str]]:
    entries = list(
        in_group_on(
            TargetEntry.objects.shown().filter(organisation=organisation),
            layout.scheme,
            day,
            known_at=known_at,
        ).select_related("person")
    )
    ids = [e.pk for e in entries]
    status_of: dict[int, str] = {}
    for entry_id, code in (
        StatusChange.objects.filter(
            entry_id__in=ids, effective_on__lte=day, recorded_at__lte=known_at
        )
        .order_by("entry_id", "effective_on", "recorded_at", "id")
        .values_list("entry_id", "code")
    ):
        status_of[entry_id] = code
    active = set(
        KaaMeasure.objects.filter(entry_id__in=ids, start_on__lte=day, created_at__lte=known_at)
        .exclude(end_on__lt=day)
        .values_list("entry_id", flat=True)
    )
    planned = dict(
        KaaRecord.objects.filter(entry_id__in=ids).values_list("entry_id", "planned_occupation")
    )
    problems: list[str] = []
    seen: dict[str, int] = {}
    rows = []
    for entry in entries:
        person = entry.person
        number = crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else ""
        try:
            parsed = parse_identity_number(number, country=SCHEME_COUNTRY[layout.scheme])
            if str(parsed.kind) not in SCHEME_KINDS[layout.scheme]:
                raise InvalidIdentityNumber("kind")
        except InvalidIdentityNumber:
            problems.append(f"entry {entry.pk}: no valid identity number")
            continue
        if number in seen:
            problems.append(f"entry {entry.pk}: the same person as entry {seen[number]}")
            continue
        seen[number] = entry.pk
        values = {
            "organisation_number": organisation.org_number,
            "period": period,
            "cutoff": day.isoformat(),
            "identity_number": number,
            "status": status_of.get(entry.pk, statuses.INITIAL[layout.scheme]),
            "school_status": entry.school_status,
            "listed_on": entry.listed_on.isoformat(),
            "reached": _yes(entry.reached_on is not None and entry.reached_on <= day),
            "active_measure": _yes(entry.pk in active),
            "planned_occupation": planned.get(entry.pk, ""),
        }
        rows.append(_row(layout, values, f"entry {entry.pk}", problems))
    return rows, [e.person_id for e in entries], problems


def _row(layout: Layout, values: dict, who: str, problems: list[str]) -> list[str]:
    row = []
    for column in layout.columns:
        value = str(values.get(column["source"], ""))
        codes = column.get("codes")
        if codes is not None:
            if value not in codes:
                problems.append(f"{who}: {column['name']} {value!r} has no code in the layout")
                value = ""
            else:
                value = codes[value]
        row.append(value)
    return row


def _count_rows(organisation, layout, period, day, known_at) -> list[list[str]]:
    counts = status_counts(organisation.pk, layout.scheme, day, known_at=known_at)
    rows = []
    for code in statuses.codes(layout.scheme):
        values = {
            "period": period,
            "cutoff": day.isoformat(),
            "code": code,
            "count": counts.get(code, 0),
        }
        rows.append(_row(layout, values, code, []))
    return rows


def build(
    organisation: Organisation, layout: Layout, period: str, *, known_at: datetime.datetime
) -> tuple[bytes, int, list[int]]:
    """The file's bytes, its row count and the people in it; ExportRefused on problems."""
    day = layout.cutoff(period)
    if day > timezone.localdate():
        raise ExportRefused(f"The cut-off date {day} of {period} has not come yet.")
    if layout.kind == "counts":
        rows, people, problems = _count_rows(organisation, layout, period, day, known_at), [], []
    else:
        rows, people, problems = _people_rows(organisation, layout, period, day, known_at)
        expected = sum(
            status_counts(organisation.pk, layout.scheme, day, known_at=known_at).values()
        )
        if not problems and len(rows) != expected:
            problems.append(
                f"the file has {len(rows)} people, the target group on {day} has {expected}"
            )
    if problems:
        raise ExportRefused(f"{len(problems)} problems; nothing was exported.", problems)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n")
    if layout.header:
        writer.writerow([c["name"] for c in layout.columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), len(rows), people


@transaction.atomic
def do_make_statutory_export(
    actor: User, organisation: Organisation, layout: Layout, period: str
) -> StatutoryExport:
    """Make the half-year's export; one made before for the same half-year is replaced."""
    known_at = timezone.now()
    content, count, people = build(organisation, layout, period, known_at=known_at)
    values = {
        "cutoff": layout.cutoff(period),
        "layout": layout.name,
        "layout_version": layout.version,
        "known_at": known_at,
        "made_by": actor,
        "rows": count,
        "contains_identity_numbers": layout.contains_identity_numbers,
        "content_encrypted": crypto.encrypt(content.decode("utf-8")),
        "person_ids": people,
        "updated_at": known_at,
    }
    export = (
        StatutoryExport.objects.select_for_update()
        .filter(organisation=organisation, scheme=layout.scheme, period=period)
        .first()
    )
    if export is None:
        export = StatutoryExport.objects.create(
            organisation=organisation, scheme=layout.scheme, period=period, **values
        )
        action = "outreach.statutory_export_made"
    else:
        for name, value in values.items():
            setattr(export, name, value)
        export.replaced += 1
        export.save(update_fields=[*values, "replaced"])
        action = "outreach.statutory_export_replaced"
    do_log_change(
        actor,
        action=action,
        obj=export,
        organisation_id=organisation.pk,
        changed_fields=["content", "rows", "known_at"],
    )
    return export


def do_log_export_read(actor: User, export: StatutoryExport) -> int:
    """An export with identity numbers taken out (downloaded, or written by the command):
    one access-log row for every person in it. The number of rows written."""
    if not export.contains_identity_numbers:
        return 0
    return do_log_accesses(
        actor,
        ((person_id, export.organisation_id, None) for person_id in export.person_ids),
        purpose=Purpose.EXPORT,
        what="statutory_export",
    )


def content_of(export: StatutoryExport) -> bytes:
    return crypto.decrypt(export.content_encrypted).encode("utf-8")
