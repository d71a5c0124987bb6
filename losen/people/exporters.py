"""Exports of the young people list and of a person's access log (CSV, XLSX).

`PersonalExport` is the base of every export that holds people (here, in cases and in
programs): it logs one access-log row per person exported, through the team by which
the actor follows the person where there is one. Identity numbers are never exported;
a search by identity number is kept in the job as its look-up hash, never in the clear.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_accesses
from losen.audit.exporters import what_label
from losen.audit.models import Purpose
from losen.audit.queries import access_log_of
from losen.jobs.exporters import (
    TableExport,
    batches,
    organisation_names,
    snapshot_about,
    table_export,
    team_name,
)
from losen.people.models import Person
from losen.people.queries import reading_teams, search, visible_to


class PersonalExport(TableExport):
    personal = True
    what: ClassVar[str] = "person"

    @classmethod
    def log_access(cls, actor, people: Iterable[tuple[int, int]]) -> None:
        team_order = [team.pk for team in scope_of(actor).casework_teams()]
        for batch in batches(people):
            reading = reading_teams([person_id for person_id, _org in batch], team_order)
            do_log_accesses(
                actor,
                ((p, o, reading.get(p)) for p, o in batch),
                purpose=Purpose.EXPORT,
                what=cls.what,
            )


def list_about(actor, team_id: Any = None) -> str:
    """A list's first line: the organisations whose people the actor reads (or the
    team filtered on), and as of today."""
    scope = scope_of(actor)
    org_ids = set(scope.admin_org_ids) | {t.organisation_id for t in scope.casework_teams()}
    return snapshot_about(organisation_names(org_ids), team_name(team_id))


def people_filter_params(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The list's filter (PersonFilterForm.cleaned_data) as a job can keep it."""
    from losen.lib import crypto
    from losen.lib.idnumbers import InvalidIdentityNumber, parse_identity_number

    params: dict[str, Any] = {
        "team": cleaned["team"].pk if cleaned.get("team") else None,
        "age": cleaned.get("age") or "",
        "municipality": (cleaned.get("municipality") or "").strip(),
        "q": "",
        "id_hash": "",
    }
    text = (cleaned.get("q") or "").strip()
    digits = text.replace(" ", "").replace("-", "").replace("+", "")
    if digits.isdigit() and len(digits) in (10, 11, 12):
        try:
            number = parse_identity_number(text, allow_synthetic=True)
        except InvalidIdentityNumber:
            params["id_hash"] = "-"  # matches no one, as the list does
        else:
            params["id_hash"] = crypto.lookup_hash(number.value)
    else:
        params["q"] = text
    return params


def filtered_people(actor, params: dict[str, Any]) -> QuerySet[Person]:
    """The people list as filtered: the same rules as the list page."""
    people = visible_to(actor)
    if params.get("id_hash"):
        people = people.filter(id_number_hash=params["id_hash"])
    else:
        people = search(people, params.get("q", ""))
    if params.get("team"):
        people = people.filter(follows__team_id=params["team"])
    eighteen_years_ago = _years_before(timezone.localdate(), 18)
    if params.get("age") == "minor":
        people = people.filter(birth_date__gt=eighteen_years_ago)
    elif params.get("age") == "adult":
        people = people.filter(birth_date__lte=eighteen_years_ago)
    if params.get("municipality"):
        people = people.filter(municipality__icontains=params["municipality"])
    return people.order_by("last_name", "first_name", "id")


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@table_export
class PeopleExport(PersonalExport):
    name = "people"
    filename = "young-people"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        if not scope_of(actor).can_read_people:
            raise Http404("No access to individual records.")
        self.title = _("Young people")
        self.about = list_about(actor, self.params.get("team"))

    def queryset(self) -> QuerySet[Person]:
        return filtered_people(self.actor, self.params).only(
            "id",
            "organisation_id",
            "first_name",
            "last_name",
            "birth_date",
            "municipality",
            "city",
        )

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> list[str]:
        return [_("Last name"), _("First name"), _("Birth date"), _("Age"), _("Municipality")]

    def rows(self) -> Iterator[list[Any]]:
        today = timezone.localdate()
        for person in self.queryset().iterator(chunk_size=2000):
            yield [
                person.last_name,
                person.first_name,
                person.birth_date,
                person.age(today),
                person.municipality,
            ]

    def people(self) -> Iterator[tuple[int, int]]:
        yield from self.queryset().values_list("pk", "organisation_id").iterator(chunk_size=2000)


@table_export
class AccessLogTableExport(PersonalExport):
    """A person's access log (their right to see it).

    The person is found through `visible_to` (404 for anyone else); the read is logged
    when the export leaves (purpose: export), as for every other export.
    """

    name = "access_log"

    def __init__(self, actor, params=None):
        super().__init__(actor, params)
        try:
            self.person = (
                visible_to(actor).select_related("organisation").get(pk=int(self.params["person"]))
            )
        except (Person.DoesNotExist, KeyError, ValueError, TypeError):
            raise Http404("No such person.") from None
        self.title = _("Access log for %(person)s") % {"person": self.person.full_name}
        self.about = snapshot_about(self.person.organisation.name)
        self.filename = f"access-log-{self.person.pk}"

    def organisation(self):
        return self.person.organisation

    def entries(self):
        return access_log_of(self.person.pk)

    def count(self) -> int:
        return self.entries().count()

    def header(self) -> list[str]:
        return [_("Time"), _("Reader"), _("Organisation"), _("Team"), _("Purpose"), _("What")]

    def rows(self) -> Iterator[list[Any]]:
        for entry in self.entries().iterator(chunk_size=2000):
            yield [
                entry.at,
                entry.actor_label,
                entry.organisation.name if entry.organisation else "",
                entry.team.name if entry.team else "",
                entry.get_purpose_display(),
                what_label(entry.what, entry.detail),
            ]

    def people(self) -> list[tuple[int, int]]:
        return [(self.person.pk, self.person.organisation_id)]
