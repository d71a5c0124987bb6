"""Exports of the measures list, a measure's participants and its attendance (CSV, XLSX).

The measures list holds no people: places are counted, exact for those who do casework in
the organisation and rounded by cell keys for everyone else, exactly as on the page.
Participants and attendance are personal data: only the cases the actor may see are in
them (cases_visible_to), and each person exported is access-logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from losen.accounts.scope import scope_of
from losen.cases.queries.core import cases_visible_to
from losen.jobs.exporters import TableExport, organisation_names, snapshot_about, table_export
from losen.people.exporters import PersonalExport
from losen.programs import queries
from losen.programs.models import Attendance, Enrolment


@table_export
class MeasureListExport(TableExport):
    name = "measures"
    filename = "measures"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        if not queries.measure_org_ids(actor):
            raise Http404("No organisation whose measures the actor reads.")
        self.title = _("Measures")
        self.about = snapshot_about(organisation_names(queries.measure_org_ids(actor)))

    def count(self) -> int:
        return queries.measures_visible_to(self.actor).count()

    def header(self) -> list[str]:
        return [
            _("Staircase"),
            _("Step"),
            _("Measure"),
            _("Kind"),
            _("Planned weeks"),
            _("Places"),
            _("Taken"),
            _("Free"),
            _("Waiting list"),
            _("Cost per participant per month"),
            _("In use"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        for view in queries.staircases_with_measures(self.actor):
            for row in view.rows:
                measure, places = row.measure, row.places
                rounded = queries.counts_rounded_for(self.actor, measure.organisation_id)
                shown = queries.shown_places(places, rounded=rounded)
                yield [
                    view.staircase.name if view.staircase else "",
                    measure.step,
                    measure.name,
                    measure.get_kind_display(),
                    measure.planned_weeks,
                    places.capacity,
                    shown.taken,
                    # Hidden when rounded: capacity minus a rounded count counts nothing.
                    "–" if shown.free is None and places.capacity is not None else shown.free,
                    shown.waiting,
                    measure.monthly_cost
                    if queries.can_see_costs(self.actor, measure.organisation_id)
                    else None,
                    _("Yes") if measure.is_active else _("No"),
                ]


class _MeasurePeopleExport(PersonalExport):
    """params: measure (id). For those who may see cases, of the cases they may see."""

    what = "enrolment"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        if not scope_of(actor).can_read_people:
            raise Http404("No access to individual records.")
        self.measure = queries.get_measure_for(actor, self.params.get("measure"))
        self.about = snapshot_about(self.measure.organisation.name, self.measure.name)

    def organisation(self):
        return self.measure.organisation

    def cases(self):
        return cases_visible_to(self.actor)


@table_export
class ParticipantsExport(_MeasurePeopleExport):
    name = "measure_participants"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        self.title = _("Participants in %(measure)s") % {"measure": self.measure.name}
        self.filename = f"participants-{self.measure.pk}"

    def enrolments(self):
        return (
            self.measure.enrolments.filter(
                status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.WAITING],
                case__in=self.cases(),
            )
            .select_related("case__person", "case__team")
            .order_by("status", "waitlisted_at", "case__person__last_name", "id")
        )

    def count(self) -> int:
        return self.enrolments().count()

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Team"),
            _("Status"),
            _("Start"),
            _("Planned end"),
            _("On the waiting list since"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        for enrolment in self.enrolments().iterator(chunk_size=2000):
            person = enrolment.case.person
            yield [
                person.last_name,
                person.first_name,
                enrolment.case.team.name,
                enrolment.get_status_display(),
                enrolment.start_on,
                enrolment.planned_end_on,
                enrolment.waitlisted_at,
            ]

    def people(self) -> Iterator[tuple[int, int]]:
        pairs = self.enrolments().values_list("case__person_id", "case__person__organisation_id")
        yield from pairs.distinct().order_by().iterator(chunk_size=2000)


@table_export
class AttendanceExport(_MeasurePeopleExport):
    name = "measure_attendance"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        self.title = _("Attendance in %(measure)s") % {"measure": self.measure.name}
        self.filename = f"attendance-{self.measure.pk}"

    def marks(self):
        return (
            Attendance.objects.filter(
                session__measure=self.measure, enrolment__case__in=self.cases()
            )
            .select_related("session", "enrolment__case__person")
            .order_by(
                "session__starts_at",
                "session__number",
                "enrolment__case__person__last_name",
                "enrolment__case__person__first_name",
                "id",
            )
        )

    def count(self) -> int:
        return self.marks().count()

    def header(self) -> list[str]:
        return [
            _("Session"),
            _("Time"),
            _("Title"),
            _("Last name"),
            _("First name"),
            _("Present"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        for mark in self.marks().iterator(chunk_size=2000):
            person = mark.enrolment.case.person
            yield [
                mark.session.number,
                mark.session.starts_at,
                mark.session.title,
                person.last_name,
                person.first_name,
                _("Yes") if mark.present else _("No"),
            ]

    def people(self) -> Iterator[tuple[int, int]]:
        pairs = self.marks().values_list(
            "enrolment__case__person_id", "enrolment__case__person__organisation_id"
        )
        yield from pairs.distinct().order_by().iterator(chunk_size=2000)
