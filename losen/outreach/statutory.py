"""The statutory exports: the half-yearly KAA file to Statistics Sweden, the OT counts.

Each export's layout is a versioned data file in ``losen/outreach/layouts/`` (its name,
version, scheme, kind, cut-off days per half-year, format and columns; a column takes a
``source`` and may map values through ``codes``). The export reads the layout it is
given; nothing of a layout is written in code. The documented example layouts are marked
``"example": true`` (the real SCB layout is not public here).

The KAA file has one row for every young person the
municipality was responsible for at any time during the half-year (from the layout's
``starts`` day to its cut-off, the half-year's last day), not only those on the list at
its end: with the day the responsibility began, the day and reason it ended when that
was during the half-year (turned 20, moved, started or completed a national programme;
a 20th birthday is found from the rules even before a list or a coordinator records it),
whether contact was made, the status on the last day covered, and each measure that ran
or was offered during the half-year with its dates and whether it was declined (the
layout's ``measures`` block: ``max`` groups of columns, ``{n}`` numbering them). Two
periods of one person in the same half-year are one row. A layout with
``superseded_by`` is kept so that exports made with it can be read, and makes no new one.

Before anything is written the export is checked: every person has a valid identity
number of the scheme's country, every value has a code in the layout (a leaving whose
reason is not yet known has none), nobody is in the file twice, and the number of rows
equals the count of the half-year's whole group, counted another way: everyone in the
group on its first day, and everyone who came onto the list during it. A problem refuses
the export with every problem listed, in the user's language (people named by their
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

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from losen.accounts.models import Organisation
from losen.lib import crypto
from losen.lib.idnumbers import InvalidIdentityNumber, parse_identity_number
from losen.outreach import eligibility, statuses
from losen.outreach.counts import status_counts
from losen.outreach.ladder import in_group_during, in_group_on
from losen.outreach.listfile import SCHEME_COUNTRY, SCHEME_KINDS
from losen.outreach.models import (
    KaaMeasure,
    KaaRecord,
    LeaveReason,
    StatusChange,
    StatutoryExport,
    TargetEntry,
)

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
    # The first day of each half-year the file covers (everyone covered from it to the
    # cut-off); without it, the file covers the cut-off day alone.
    starts: dict[str, str] | None = None
    superseded_by: str = ""
    measure_slots: int = 0

    @property
    def title(self) -> str:
        """The title in the interface language, else in English."""
        return self.titles.get(translation.get_language() or "", self.titles["en"])

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def cutoff(self, period: str) -> datetime.date:
        return self._day(period, self.cutoffs)

    def span(self, period: str) -> tuple[datetime.date, datetime.date]:
        """The first and last day the file covers (a half-year layout), both included."""
        end = self.cutoff(period)
        return (self._day(period, self.starts) if self.starts else end), end

    def _day(self, period: str, days: dict[str, str]) -> datetime.date:
        match = _PERIOD.fullmatch(period)
        if match is None:
            raise ExportRefused(_("Write the half-year as 2026H1 or 2026H2."))
        month, day = days[f"H{match['half']}"].split("-")
        return datetime.date(int(match["year"]), int(month), int(day))


def _columns(data: dict) -> tuple[tuple[dict, ...], int]:
    """The layout's columns, each measure column repeated for every measure it has room
    for (``{n}`` in the name is the measure's number; its source becomes
    ``measure<n>.<source>``), and that room."""
    columns = list(data["columns"])
    block = data.get("measures")
    if not block:
        return tuple(columns), 0
    slots = int(block["max"])
    for n in range(1, slots + 1):
        columns += [
            {**c, "name": c["name"].replace("{n}", str(n)), "source": f"measure{n}.{c['source']}"}
            for c in block["columns"]
        ]
    return tuple(columns), slots


@lru_cache(maxsize=16)
def layouts() -> dict[str, Layout]:
    found = {}
    for path in sorted(LAYOUT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        columns, slots = _columns(data)
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
            columns=columns,
            starts=data.get("starts"),
            superseded_by=data.get("superseded_by", ""),
            measure_slots=slots,
        )
        found[layout.key] = layout
    return found


def current_layouts() -> dict[str, Layout]:
    """The layouts a new export can be made with (not superseded)."""
    return {key: layout for key, layout in layouts().items() if not layout.superseded_by}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _as_known(entry: TargetEntry, known_at) -> tuple[datetime.date | None, str]:
    """The day and reason of leaving as Losen knew them at `known_at`."""
    if entry.left_on is None:
        return None, ""
    if entry.left_recorded_at is not None and entry.left_recorded_at > known_at:
        return None, ""
    return entry.left_on, entry.left_reason


@dataclass
class _Period:
    """One responsibility period of a person inside the half-year."""

    entry: TargetEntry
    left_on: datetime.date | None  # the first day outside, when inside the half-year
    left_reason: str

    @property
    def last_day(self) -> datetime.date | None:
        return self.left_on - datetime.timedelta(days=1) if self.left_on else None


def _periods(entries, scheme: str, start, end, known_at) -> dict[int, list[_Period]]:
    """Each person's periods in the half-year, the day and reason each ended (a 20th
    birthday found from the rules when nothing earlier was recorded)."""
    by_person: dict[int, list[_Period]] = {}
    for entry in entries:
        left_on, reason = _as_known(entry, known_at)
        if left_on is not None and left_on > end:
            left_on, reason = None, ""
        inside_from = max(start, entry.listed_on)
        until = left_on - datetime.timedelta(days=1) if left_on else end
        aged_out = eligibility.age_window_ended_on(
            scheme, entry.person.birth_date, inside_from, until
        )
        if aged_out is not None:
            left_on, reason = aged_out, eligibility.rule_on(scheme, aged_out).age_leave_reason
        by_person.setdefault(entry.person_id, []).append(_Period(entry, left_on, reason))
    for periods in by_person.values():
        periods.sort(key=lambda p: (p.entry.listed_on, p.entry.pk))
    return by_person


def _measures(entry_ids, start, end, known_at) -> dict[int, list[dict]]:
    """The measures of the entries that ran, or were offered, during the half-year, as
    they stood at `known_at` (a measure changed later is read from its history)."""
    found: dict[int, list[tuple]] = {}
    for measure in KaaMeasure.objects.filter(
        entry_id__in=entry_ids, created_at__lte=known_at
    ).prefetch_related("versions"):
        content = measure.content()
        if measure.updated_at > known_at:
            later = [v for v in measure.versions.all() if v.changed_at > known_at]
            if later:
                content = min(later, key=lambda v: (v.changed_at, v.version)).values
        start_on = datetime.date.fromisoformat(str(content["start_on"]))
        end_on = datetime.date.fromisoformat(str(content["end_on"])) if content["end_on"] else None
        if start_on > end or (end_on is not None and end_on < start):
            continue
        values = {
            "start_on": start_on.isoformat(),
            "end_on": end_on.isoformat() if end_on else "",
            "declined": _yes(bool(content.get("declined", False))),
            "end_reason": content.get("end_reason", ""),
        }
        found.setdefault(measure.entry_id, []).append((start_on, measure.pk, values))
    return {entry_id: [v for *_, v in sorted(rows)] for entry_id, rows in found.items()}


def _statuses(entry_ids, end, known_at) -> dict[int, list[tuple[datetime.date, str]]]:
    history: dict[int, list[tuple[datetime.date, str]]] = {}
    for entry_id, effective_on, code in (
        StatusChange.objects.filter(
            entry_id__in=entry_ids, effective_on__lte=end, recorded_at__lte=known_at
        )
        .order_by("entry_id", "effective_on", "recorded_at", "id")
        .values_list("entry_id", "effective_on", "code")
    ):
        history.setdefault(entry_id, []).append((effective_on, code))
    return history


def _status_on(history: list[tuple[datetime.date, str]], day: datetime.date, scheme: str) -> str:
    code = statuses.INITIAL[scheme]
    for effective_on, recorded in history:
        if effective_on <= day:
            code = recorded
    return code


def _people_rows(
    organisation: Organisation, layout: Layout, period: str, start, end, known_at
) -> tuple[list[list[str]], list[int], list[str]]:
    """One row per person covered at any time from `start` to `end`."""
    entries = list(
        in_group_during(
            TargetEntry.objects.shown().filter(organisation=organisation),
            layout.scheme,
            start,
            end,
            known_at=known_at,
        )
        .select_related("person")
        .order_by("listed_on", "id")
    )
    ids = [e.pk for e in entries]
    periods = _periods(entries, layout.scheme, start, end, known_at)
    history = _statuses(ids, end, known_at)
    measures = _measures(ids, start, end, known_at)
    planned = dict(
        KaaRecord.objects.filter(entry_id__in=ids).values_list("entry_id", "planned_occupation")
    )
    problems: list[str] = []
    seen: dict[str, int] = {}
    rows = []
    people = []
    for person_periods in periods.values():
        first, last = person_periods[0], person_periods[-1]
        entry, person = last.entry, last.entry.person
        who = _("entry %(entry)s") % {"entry": entry.pk}
        number = crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else ""
        try:
            parsed = parse_identity_number(number, country=SCHEME_COUNTRY[layout.scheme])
            if str(parsed.kind) not in SCHEME_KINDS[layout.scheme]:
                raise InvalidIdentityNumber("kind")
        except InvalidIdentityNumber:
            problems.append(_("%(who)s: no valid identity number") % {"who": who})
            continue
        if number in seen:
            problems.append(
                _("%(who)s: the same person as entry %(other)s")
                % {"who": who, "other": seen[number]}
            )
            continue
        seen[number] = entry.pk
        if last.left_reason == LeaveReason.NOT_ON_LIST:
            problems.append(
                _(
                    "%(who)s: left the list on %(day)s for a reason not yet known; record "
                    "the day and the reason in the person's KAA register"
                )
                % {"who": who, "day": last.left_on.isoformat() if last.left_on else "–"}
            )
            continue
        last_day = last.last_day or end
        taken = [m for p in person_periods for m in measures.get(p.entry.pk, [])]
        if len(taken) > layout.measure_slots and layout.measure_slots:
            problems.append(
                _(
                    "%(who)s: %(count)s measures in the half-year, but the layout has room "
                    "for %(room)s"
                )
                % {"who": who, "count": len(taken), "room": layout.measure_slots}
            )
            continue
        reached_on = min(
            (p.entry.reached_on for p in person_periods if p.entry.reached_on), default=None
        )
        values = {
            "organisation_number": organisation.org_number,
            "period": period,
            "cutoff": end.isoformat(),
            "identity_number": number,
            "responsible_from": first.entry.listed_on.isoformat(),
            "left_on": last.left_on.isoformat() if last.left_on else "",
            "left_reason": last.left_reason if last.left_on else "",
            "status": _status_on(history.get(entry.pk, []), last_day, layout.scheme),
            "school_status": entry.school_status,
            "listed_on": entry.listed_on.isoformat(),
            "reached": _yes(reached_on is not None and reached_on <= last_day),
            "planned_occupation": planned.get(entry.pk, ""),
        }
        for n in range(1, layout.measure_slots + 1):
            slot = taken[n - 1] if n <= len(taken) else {}
            for name in ("start_on", "end_on", "declined", "end_reason"):
                values[f"measure{n}.{name}"] = slot.get(name, "")
        rows.append(_row(layout, values, who, problems))
        people.append(person.pk)
    return rows, people, problems


def half_year_group_count(organisation: Organisation, scheme: str, start, end, known_at) -> int:
    """The half-year's whole group counted another way than the rows are made: everyone
    in the group on its first day, and everyone who came onto the list during it."""
    shown = TargetEntry.objects.shown().filter(organisation=organisation, scheme=scheme)
    on_first_day = in_group_on(shown, scheme, start, known_at=known_at).values_list(
        "person_id", flat=True
    )
    came = (
        shown.filter(listed_on__gt=start, listed_on__lte=end, created_at__lte=known_at)
        .exclude(left_on=F("listed_on"), left_recorded_at__lte=known_at)
        .exclude(school_status__in=eligibility.rule_on(scheme, end).excluded_school_statuses)
        .values_list("person_id", flat=True)
    )
    return len(set(on_first_day) | set(came))


def _row(layout: Layout, values: dict, who: str, problems: list[str]) -> list[str]:
    row = []
    for column in layout.columns:
        value = str(values.get(column["source"], ""))
        codes = column.get("codes")
        if codes is not None:
            if value not in codes:
                problems.append(
                    _("%(who)s: %(column)s %(value)s has no code in the layout")
                    % {"who": who, "column": column["name"], "value": repr(value)}
                )
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
    if layout.superseded_by:
        raise ExportRefused(
            _(
                "The layout %(layout)s is superseded by %(new)s: it is kept only to read the "
                "exports made with it."
            )
            % {"layout": layout.key, "new": layout.superseded_by}
        )
    if layout.kind == "counts":
        if day > timezone.localdate():
            raise ExportRefused(
                _("The cut-off date %(day)s of %(period)s has not come yet.")
                % {"day": day.isoformat(), "period": period}
            )
        rows = _count_rows(organisation, layout, period, day, known_at)
        people: list = []
        problems: list = []
    else:
        start, end = layout.span(period)
        if end >= timezone.localdate():
            raise ExportRefused(
                _("The half-year %(period)s ends on %(day)s: make the file from the day after.")
                % {"period": period, "day": end.isoformat()}
            )
        rows, people, problems = _people_rows(organisation, layout, period, start, end, known_at)
        expected = half_year_group_count(organisation, layout.scheme, start, end, known_at)
        if not problems and len(rows) != expected:
            problems.append(
                _(
                    "the file has %(rows)s people, but the half-year's whole group (in it on "
                    "%(start)s or come onto the list by %(end)s) has %(expected)s"
                )
                % {
                    "rows": len(rows),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "expected": expected,
                }
            )
    if problems:
        raise ExportRefused(
            ngettext(
                "%(count)s problem; nothing was exported.",
                "%(count)s problems; nothing was exported.",
                len(problems),
            )
            % {"count": len(problems)},
            problems,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n")
    if layout.header:
        writer.writerow([c["name"] for c in layout.columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), len(rows), people


def content_of(export: StatutoryExport) -> bytes:
    return crypto.decrypt(export.content_encrypted).encode("utf-8")
