"""The case list as CSV or XLSX: the team's cases as filtered on the list page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from losen.accounts.scope import scope_of
from losen.cases.models import Case
from losen.cases.queries.core import filtered_cases
from losen.jobs.exporters import table_export
from losen.people.exporters import PersonalExport, list_about


@table_export
class CaseListExport(PersonalExport):
    """params: state ("" open cases, "all", or a state) and team (id or None)."""

    name = "cases"
    what = "case"
    filename = "cases"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        if not scope_of(actor).can_read_people:
            raise Http404("No access to individual records.")
        self.title = _("Cases")
        self.about = list_about(actor, self.params.get("team"))

    def queryset(self) -> QuerySet[Case]:
        return filtered_cases(
            self.actor, state=self.params.get("state", ""), team_id=self.params.get("team")
        )

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Birth date"),
            _("State"),
            _("Team"),
            _("Contact person"),
            _("Opened"),
            _("Ended"),
            _("For the team meeting"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        for case in self.queryset().iterator(chunk_size=2000):
            yield [
                case.person.last_name,
                case.person.first_name,
                case.person.birth_date,
                case.get_state_display(),
                case.team.name,
                case.contact_person.get_full_name() if case.contact_person else "",
                case.opened_on,
                case.ended_on,
                _("Flagged") if case.flagged_for_meeting else "",
            ]

    def people(self) -> Iterator[tuple[int, int]]:
        pairs = self.queryset().values_list("person_id", "person__organisation_id").distinct()
        yield from pairs.order_by().iterator(chunk_size=2000)
