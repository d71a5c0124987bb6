"""A grant report for the funder: JSON, CSV (one row per question) and PDF.

JSON, schema "losen.grant_report", version 1. Stable: keys are never renamed or given
another meaning; new keys may be added (and then `schema_version` stays 1 only if old
readers can ignore them). Hidden counts and unanswered dates are `null`.

    {
      "schema": "losen.grant_report",
      "schema_version": 1,
      "language": "nb",                       # the language of "question" texts below
      "report": {
        "id": 17,
        "year": 2025,
        "type": "status" | "final",
        "status": "draft" | "submitted",
        "version": 3,                         # 0: nothing saved yet
        "saved_at": "2026-01-20T09:14:03+00:00" | null,
        "submitted_at": "..." | null,
        "measure": {"id": 4, "name": "Ungdomsløftet"},
        "organisation": {"id": 1, "name": "Demo kommune", "org_number": "974760673"}
      },
      "answers": {                            # in the form's order (losen.grants.questions)
        "measure_name": "...", "nav_office": "...", "contact_email": "...",
        "county": "Vestland", "start_date": "2024-08-01" | null,
        "target_group": "...", "measure_description": "...", "development": "...",
        "act_sections": {"selected": ["s1", "s20a", "other"], "other": "..."},
        "interest_from_others": {"answer": "yes" | "no" | null, "text": "..."},
        "trial_elsewhere": {...}, "collaboration": {...},
        "achievements": "...", "goal_assessment": "...", "challenges": "...",
        "success_factors": "...",
        "continuation": {"answer": "yes" | "no" | null, "text": "..."},
        "not_started": false                  # true: the measure never started; the
      },                                      # form ended at the start date, the
                                              # answers after it are empty
      "questions": [{"key": "measure_name", "question": "Navn på tiltaket."}, ...],
      "figures": {...}                        # see losen.grants.figures
    }

Act section keys: s1, s12, s14, s15, s17, s18, s19, s20, s20a, s27, s28_33, s29_40, s42,
other. The report type is under "report"; in "questions" it keeps its place (key
"report_type") so the list is the form as a whole.

CSV: the shared exporter (semicolons, byte-order mark, formulas escaped): a first line
that names the report, the organisation and the year's period, then the header (key,
question, answer: translated, "nøkkel;spørsmål;svar" in Norwegian), one row per question
in the form's order, then one row per figure with keys starting with "figures." (a hidden
count reads "–").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from losen.grants.figures import exit_rows
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import (
    ANSWERED,
    DID_NOT_START,
    FIRST_PART,
    NOT_STARTED,
    QUESTIONS,
    Kind,
    answer_text,
    empty_answers,
    normalise,
)
from losen.lib.amounts import format_amount
from losen.lib.exporters import Exporter, about_line, period_text
from losen.lib.suppression import PLACEHOLDER
from losen.outcomes.codes import TOP_LEVEL

SCHEMA = "losen.grant_report"
SCHEMA_VERSION = 1


def _json_answers(answers: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    unanswered = empty_answers()
    for question in ANSWERED:
        value = answers[question.key]
        if answers[NOT_STARTED] and question not in FIRST_PART:
            value = unanswered[question.key]
        if question.kind == Kind.YES_NO:
            value = {"answer": value["answer"] or None, "text": value["text"]}
        elif question.kind == Kind.DATE:
            value = value or None
        data[question.key] = value
    data[NOT_STARTED] = answers[NOT_STARTED]
    return data


def report_data(
    report: GrantReport, version: GrantReportVersion | None, figures: dict[str, Any]
) -> dict[str, Any]:
    """The JSON export's structure (see the module docstring)."""
    answers = normalise(version.answers if version else {})
    organisation = report.organisation
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "language": get_language(),
        "report": {
            "id": report.pk,
            "year": report.year,
            "type": report.kind,
            "status": report.status,
            "version": version.number if version else 0,
            "saved_at": version.saved_at.isoformat(timespec="seconds") if version else None,
            "submitted_at": report.submitted_at.isoformat(timespec="seconds")
            if report.submitted_at
            else None,
            "measure": {"id": report.measure_id, "name": report.measure.name},
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "org_number": organisation.org_number,
            },
        },
        "answers": _json_answers(answers),
        "questions": [{"key": q.key, "question": str(q.label)} for q in QUESTIONS],
        "figures": figures,
    }


def _count(value: Any) -> Any:
    return PLACEHOLDER if value is None else value


def amount_text(value: Any) -> str:
    """An amount for people to read ("12 000" in nb and sv), "–" when there is none."""
    return PLACEHOLDER if value is None else format_amount(value)


def _percent(share: float | None) -> str:
    return PLACEHOLDER if share is None else f"{round(share * 100)} %"


def figure_rows(figures: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, label, value) for every figure, as the CSV and the pages show them."""
    flow = figures["flow"]
    rows: list[tuple[str, str, Any]] = [
        ("figures.referred", _("Referred"), _count(flow["referred"])),
        ("figures.started", _("Started"), _count(flow["started"])),
        (
            "figures.active_end_of_period",
            _("Active at the end of the year"),
            _count(flow["active_end_of_period"]),
        ),
        ("figures.exited", _("Exited"), _count(flow["exited"])),
    ]
    tops = list(TOP_LEVEL)
    for top, (label, count, share) in zip(tops, exit_rows(figures), strict=True):
        rows.append((f"figures.exit_{top}", label, _count(count)))
        rows.append(
            (f"figures.exit_{top}_share", _("%(what)s, share") % {"what": label}, _percent(share))
        )
    both = figures["work_or_education"]
    rows.append(("figures.work_or_education", _("In work or education"), _count(both["count"])))
    rows.append(
        (
            "figures.work_or_education_share",
            _("%(what)s, share") % {"what": _("In work or education")},
            _percent(both["share"]),
        )
    )
    for follow_up in figures["durability"]:
        months = follow_up["months"]
        label = _("After %(months)s months") % {"months": months}
        rows.append(
            (
                f"figures.followup_{months}m_reached",
                f"{label}: {_('Reached')}",
                _count(follow_up["reached"]),
            )
        )
        rows.append(
            (
                f"figures.followup_{months}m_in_work_or_education",
                f"{label}: {_('Still in work or education')}",
                _count(follow_up["in_work_or_education"]),
            )
        )
        rows.append(
            (
                f"figures.followup_{months}m_share",
                f"{label}: {_('Share of those reached')}",
                _percent(follow_up["share"]),
            )
        )
    cost = figures.get("cost")
    if cost:
        rows += [
            (
                "figures.monthly_cost",
                _("Cost per participant per month"),
                amount_text(cost["monthly_cost"]),
            ),
            ("figures.participants", _("Participants"), amount_text(cost["participants"])),
            (
                "figures.participant_months",
                _("Participant-months"),
                amount_text(cost["participant_months"]),
            ),
            ("figures.total_cost", _("Cost"), amount_text(cost["total_cost"])),
            (
                "figures.cost_per_participant",
                _("Cost per participant"),
                amount_text(cost["cost_per_participant"]),
            ),
        ]
    return rows


def answer_rows(
    report: GrantReport, answers: dict[str, Any], *, local_dates: bool = False
) -> list[tuple[str, str, str]]:
    """(key, question, answer as text) for every question in the form's order.

    For a measure that did not start, the start date says so and the questions after it
    are empty (the form ended there).
    """
    answers = normalise(answers)
    rows = []
    for question in QUESTIONS:
        if question.kind == Kind.REPORT_TYPE:
            text = str(report.get_kind_display())
        elif answers[NOT_STARTED] and question.key == "start_date":
            text = str(DID_NOT_START)
        elif answers[NOT_STARTED] and question not in FIRST_PART:
            text = ""
        else:
            text = answer_text(question, answers[question.key], local_dates=local_dates)
        rows.append((question.key, str(question.label), text))
    return rows


class GrantReportExporter(Exporter):
    """key; question; answer, then the figures. The PDF uses its title and filename."""

    def __init__(
        self, report: GrantReport, version: GrantReportVersion | None, figures: dict[str, Any]
    ) -> None:
        self.report = report
        self.version = version
        self.figures = figures
        self.title = _("Grant report %(year)s: %(measure)s") % {
            "year": report.year,
            "measure": report.measure.name,
        }
        self.about = about_line(
            report.organisation.name,
            report.get_kind_display(),
            period_text(datetime.date(report.year, 1, 1), datetime.date(report.year, 12, 1)),
        )
        self.filename = f"grant-report-{report.year}-{report.kind}-{report.pk}"

    def header(self) -> list[str]:
        return [_("Key"), _("Question"), _("Answer")]

    def rows(self) -> Iterable[list[Any]]:
        answers = self.version.answers if self.version else {}
        for key, question, text in answer_rows(self.report, answers):
            yield [key, question, text]
        for key, label, value in figure_rows(self.figures):
            yield [key, label, value]
