"""The questions of NAV's grant report form, in the form's order, with stable keys.

The wording is the form's (seed 004: the status and final reports NAV offices send for
grant-funded measures); the keys are English and never change, because the JSON and CSV
exports hand them to the funder. The answers of one version are a plain dict, keyed by
these keys (see `empty_answers` for its shape):

- text, e-mail, county and long text questions: a string ("" when unanswered);
- the start date: "YYYY-MM-DD" or "";
- the sections of the Social Services Act: {"selected": [section keys], "other": "..."};
- the yes/no questions: {"answer": "yes" | "no" | "", "text": "..."};
- and `not_started` (a bool): the answer to the start date question that the measure
  never started. The form ends there: the questions after the first five (`FIRST_PART`)
  are not answered, so not missing, and the exports say the measure did not start.

The report type (status or final report) is a question of the form too, but it belongs to
the report itself (a report is one measure, one year and one type), so it has no answer
here; `QUESTIONS` keeps its place in the order.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    COUNTY = "county"
    DATE = "date"
    REPORT_TYPE = "report_type"
    LONG_TEXT = "long_text"
    SECTIONS = "sections"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    label: StrOrPromise
    # For yes/no questions: the label of the text beside the choice, and of the choices.
    text_label: StrOrPromise | None = None
    yes_label: StrOrPromise | None = None
    no_label: StrOrPromise | None = None
    # Whether a yes/no question needs the text with a "no" as well (a reason).
    text_with_no: bool = False


YES = _("Yes")
NO = _("No")

QUESTIONS: tuple[Question, ...] = (
    Question("measure_name", Kind.TEXT, _("Name of the measure.")),
    Question("nav_office", Kind.TEXT, _("Name of the NAV office.")),
    Question(
        "contact_email",
        Kind.EMAIL,
        _("E-mail of the contact person (a copy of the answers is sent to this address)."),
    ),
    Question("county", Kind.COUNTY, _("Choose county.")),
    Question("start_date", Kind.DATE, _("Start date of the measure.")),
    Question("report_type", Kind.REPORT_TYPE, _("Type of report.")),
    Question("target_group", Kind.LONG_TEXT, _("Describe the target group.")),
    Question("measure_description", Kind.LONG_TEXT, _("Describe the measure.")),
    Question("development", Kind.LONG_TEXT, _("Describe what the measure develops.")),
    Question(
        "act_sections",
        Kind.SECTIONS,
        _(
            "Which sections of the Social Services Act are especially relevant to the "
            "development work? (Several choices possible)"
        ),
    ),
    Question(
        "interest_from_others",
        Kind.YES_NO,
        _("Collaboration – Has the measure created interest among other actors? If so, which?"),
        text_label=_("Which actors"),
    ),
    Question(
        "trial_elsewhere",
        Kind.YES_NO,
        _("Collaboration – Will the measure be tried out elsewhere? If so, where?"),
        text_label=_("Where"),
    ),
    Question(
        "collaboration",
        Kind.YES_NO,
        _("Collaboration – Is there collaboration with other actors? If so, which?"),
        text_label=_("Which actors"),
    ),
    Question(
        "achievements", Kind.LONG_TEXT, _("Describe what you have achieved with the measure.")
    ),
    Question(
        "goal_assessment",
        Kind.LONG_TEXT,
        _("Describe how you have examined the goal achievement of the measure."),
    ),
    Question("challenges", Kind.LONG_TEXT, _("Describe the main challenges of the measure.")),
    Question(
        "success_factors", Kind.LONG_TEXT, _("Describe the main success factors of the measure.")
    ),
    Question(
        "continuation",
        Kind.YES_NO,
        _("Will part or all of the measure be continued?"),
        text_label=_("Through what, or why not"),
        yes_label=_("Yes, through"),
        no_label=_("No, because"),
        text_with_no=True,
    ),
)

BY_KEY = {q.key: q for q in QUESTIONS}
# The questions with an answer in a version (all but the report type).
ANSWERED = tuple(q for q in QUESTIONS if q.kind != Kind.REPORT_TYPE)
# The form's first five questions, up to the start date: all a measure that never
# started answers (the start date question's "did not start" ends the form).
FIRST_PART = QUESTIONS[: QUESTIONS.index(BY_KEY["start_date"]) + 1]
# The answer (beside the questions' keys) that the measure never started.
NOT_STARTED = "not_started"
NOT_STARTED_LABEL = _("The measure did not start (the rest of the form is not answered)")
DID_NOT_START = _("The measure did not start")

# The sections of the Social Services Act (sosialtjenesteloven) the form offers.
ACT_SECTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("s1", _("§1 – Purpose")),
    ("s12", _("§12 – Information and general preventive work")),
    ("s14", _("§14 – Cooperation with voluntary organisations")),
    ("s15", _("§15 – Housing for the disadvantaged")),
    ("s17", _("§17 – Information, advice and guidance, including financial advice")),
    ("s18", _("§18 – Financial assistance for subsistence")),
    ("s19", _("§19 – Financial assistance in special cases")),
    ("s20", _("§20 – Conditions for payment of assistance")),
    ("s20a", _("§20a – Activity requirement for people under 30")),
    ("s27", _("§27 – Temporary accommodation")),
    ("s28_33", _("§28, 33 – Individual plan")),
    ("s29_40", _("§29–§40 – Qualification programme with associated benefits")),
    ("s42", _("§42 – Duty to consult the service user")),
    ("other", pgettext_lazy("act section", "Other")),
)
ACT_SECTION_KEYS = tuple(key for key, _label in ACT_SECTIONS)
ACT_SECTION_LABELS = dict(ACT_SECTIONS)

COUNTIES_FILE = Path(__file__).resolve().parent / "counties.json"


@lru_cache(maxsize=1)
def _county_versions() -> tuple[tuple[int, int | None, tuple[str, ...]], ...]:
    data = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    return tuple(
        (int(v["valid_from"]), v["valid_to"], tuple(v["counties"])) for v in data["versions"]
    )


def counties_for(year: int) -> tuple[str, ...]:
    """The counties of the year (counties.json): Viken and the others until 2023.

    A year before the first version gets the first version's list.
    """
    versions = _county_versions()
    for valid_from, valid_to, counties in versions:
        if valid_from <= year and (valid_to is None or year <= valid_to):
            return counties
    return versions[0][2]


YES_NO_ANSWERS = ("yes", "no")


def empty_answers() -> dict[str, Any]:
    """Every question unanswered, in the form's order."""
    answers: dict[str, Any] = {}
    for question in ANSWERED:
        if question.kind == Kind.SECTIONS:
            answers[question.key] = {"selected": [], "other": ""}
        elif question.kind == Kind.YES_NO:
            answers[question.key] = {"answer": "", "text": ""}
        else:
            answers[question.key] = ""
    answers[NOT_STARTED] = False
    return answers


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def normalise(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers in the stored shape: every key, known keys only, stripped text.

    Used on what a form gives and on older versions' answers, so a version saved before a
    question was added still reads with every key.
    """
    clean = empty_answers()
    for question in ANSWERED:
        value = answers.get(question.key)
        if question.kind == Kind.SECTIONS:
            value = value if isinstance(value, dict) else {}
            chosen = set(value.get("selected") or [])
            clean[question.key] = {
                "selected": [key for key in ACT_SECTION_KEYS if key in chosen],
                "other": _text(value.get("other")),
            }
        elif question.kind == Kind.YES_NO:
            value = value if isinstance(value, dict) else {}
            answer = value.get("answer")
            clean[question.key] = {
                "answer": answer if answer in YES_NO_ANSWERS else "",
                "text": _text(value.get("text")),
            }
        elif question.kind == Kind.DATE:
            if isinstance(value, datetime.date):
                value = value.isoformat()
            clean[question.key] = _text(value)
        else:
            clean[question.key] = _text(value)
    clean[NOT_STARTED] = answers.get(NOT_STARTED) is True
    return clean


def changed_keys(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The questions whose answers differ (every answered one when there is no before)."""
    before = normalise(before or {})
    after = normalise(after)
    keys = [q.key for q in ANSWERED if before[q.key] != after[q.key]]
    if before[NOT_STARTED] != after[NOT_STARTED]:
        keys.append(NOT_STARTED)
    return keys


def missing(answers: dict[str, Any]) -> list[Question]:
    """The questions a report cannot be submitted without, in the form's order.

    Every question needs an answer; a yes needs its text (which, where), and so does the
    continuation's no (because); "other" among the sections needs to say which. A
    measure that did not start needs only the first four (its start date question is
    answered by "did not start").
    """
    answers = normalise(answers)
    gaps = []
    for question in ANSWERED:
        if answers[NOT_STARTED] and question not in FIRST_PART:
            continue
        if answers[NOT_STARTED] and question.key == "start_date":
            continue
        value = answers[question.key]
        if question.kind == Kind.SECTIONS:
            chosen = value["selected"]
            if not chosen or ("other" in chosen and not value["other"]):
                gaps.append(question)
        elif question.kind == Kind.YES_NO:
            needs_text = value["answer"] == "yes" or (
                value["answer"] == "no" and question.text_with_no
            )
            if not value["answer"] or (needs_text and not value["text"]):
                gaps.append(question)
        elif not value:
            gaps.append(question)
    return gaps


def choice_label(question: Question, answer: str) -> str:
    """A yes/no answer as the form words it ("Yes, through" for the continuation)."""
    if answer == "yes":
        return str(question.yes_label or YES)
    if answer == "no":
        return str(question.no_label or NO)
    return ""


def answer_text(question: Question, value: Any, *, local_dates: bool = False) -> str:
    """One answer as plain text in the current language, for the CSV and the pages.

    Dates stay YYYY-MM-DD (for the funder's data) unless `local_dates` (dd.mm.yyyy).
    """
    if question.kind == Kind.SECTIONS:
        parts = [str(ACT_SECTION_LABELS[key]) for key in value["selected"] if key != "other"]
        if "other" in value["selected"] or value["other"]:
            other = str(ACT_SECTION_LABELS["other"])
            parts.append(f"{other}: {value['other']}" if value["other"] else other)
        return "; ".join(parts)
    if question.kind == Kind.YES_NO:
        choice = choice_label(question, value["answer"])
        if choice and value["text"]:
            return f"{choice}: {value['text']}"
        return choice or value["text"]
    if question.kind == Kind.DATE and value and local_dates:
        try:
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value
