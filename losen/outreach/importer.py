"""Importing a target list: all or nothing, in bulk.

The list import (`do_import_list` in outreach/actions/lists.py, with the writer and checks here)
reads and checks every row first (listfile.py); if any is wrong nothing
is written and every bad row is reported with its line. Then, in one transaction:

* people are matched on identity number through the keyed look-up hash (one query per
  chunk of numbers); a number not registered in the organisation registers a new person
  (name, identity number, contact details from the list; the birth date from the
  ``birth_date`` column, else from the number: see listfile.py); a registered person is
  joined, their record left as it is, but only when the list gives their name and birth
  date (losen/lib/names.py): a number registered for someone with another name is a row
  error, as a mistyped number must not file a row under someone else. A coordination
  number's own date is not held against the registered birth date (it may be the day the
  number was registered); a ``birth_date`` column's date is;
* the age rules read the registered birth date (for a person the list registers, the
  one it registers them with), never the number again;
* the team follows the people the import registers. An identity number is not a key to
  a record: a registered person the team does not follow yet is put on the list (the
  entry is the statutory fact) but not opened to the team; the summary names the lines,
  and the team sees the entry once a team that follows the person lets it follow them
  (the person page's "let the team follow", for that team's lead or the administrator);
* each row is new (a new time in the target group), still there, or outside the group on
  the day the list was received (too old, or a status the rules exclude: see eligibility.py);
* a person in the group before who is not on this list has left it: because of age (on
  the day the age rule took them out, for KAA their 20th birthday), or for a reason not
  yet known, which a coordinator records later (national programme, moved, other);
* a new time in the group starts with the scheme's first status (OTUK, unknown).

The same list (same rows, same day) imported again writes nothing. A list dated before
the last one imported for the organisation and scheme is refused.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from losen.accounts.models import Organisation
from losen.audit.actions import do_log_change, do_log_changes
from losen.lib import crypto
from losen.lib.bulk import insert_rows, let_waiting_writers_in
from losen.lib.names import same_name
from losen.outreach import eligibility, listfile, statuses
from losen.outreach.models import (
    LeaveReason,
    ListImport,
    ListMembership,
    MembershipChange,
    PendingPerson,
    StatusChange,
    TargetEntry,
)
from losen.people.models import Follow, Person

# Rows per write transaction: on SQLite a page's write waits for at most one chunk
# (some 0.3 s) and the pause after it (losen.lib.bulk.let_waiting_writers_in).
CHUNK = 2000
# A running import touches its list after every chunk; one silent for this long is dead.
ABANDONED_AFTER = datetime.timedelta(minutes=15)


class ImportRefused(Exception):
    """Nothing was imported: the file or its rows have problems (all of them listed)."""

    def __init__(self, message: str, errors: list[listfile.RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class ListSummary:
    rows: int = 0
    new: int = 0
    stayed: int = 0
    left: int = 0
    excluded: int = 0
    people_created: int = 0
    # Registered people the team does not follow: on the list, not opened to the team.
    not_opened: int = 0
    not_opened_lines: list[int] = field(default_factory=list)
    already_imported: bool = False
    list_import_id: int | None = None
    left_reasons: Counter = field(default_factory=Counter)
    excluded_reasons: Counter = field(default_factory=Counter)


def check_file(
    name: str, stream: IO[bytes], *, scheme: str, today: datetime.date
) -> list[listfile.ListRow]:
    try:
        rows, errors = listfile.check_rows(
            listfile.read_rows(name, stream), scheme=scheme, today=today
        )
    except listfile.FileProblem as problem:
        raise ImportRefused(
            _("%(file)s: %(problem)s.") % {"file": name, "problem": problem}
        ) from None
    if errors:
        read = len(rows) + len(errors)
        raise ImportRefused(
            ngettext(
                "%(file)s: %(errors)s of %(rows)s row has problems; nothing was imported.",
                "%(file)s: %(errors)s of %(rows)s rows have problems; nothing was imported.",
                read,
            )
            % {"file": name, "errors": len(errors), "rows": read},
            errors,
        )
    if not rows:
        raise ImportRefused(_("%(file)s: the list has no rows.") % {"file": name})
    return rows


class ListWriter:
    """Writes a checked list (see outreach.actions.do_import_list)."""

    def __init__(self, actor, organisation, team, scheme, received_on, summary, chunk=CHUNK):
        self.chunk = chunk
        # How long the last write transaction held the lock (None before the first).
        self.held: float | None = None
        self.actor = actor
        self.organisation = organisation
        self.team = team
        self.scheme = scheme
        self.day = received_on
        self.summary = summary
        self.now = timezone.now()
        self.rule = eligibility.rule_on(scheme, received_on)
        # (entry, left on, reason): entries of earlier lists that leave with this one,
        # changed in the last transaction, when the list is shown.
        self.leaving: list[tuple[int, datetime.date, str]] = []

    def start(self, name, rows, list_digest) -> ListImport:
        with transaction.atomic():
            # The organisation's row serialises starts on PostgreSQL (SQLite: one writer).
            Organisation.objects.select_for_update().filter(pk=self.organisation.pk).first()
            if ListImport.objects.filter(
                organisation=self.organisation, scheme=self.scheme, state=ListImport.State.RUNNING
            ).exists():
                raise ImportRefused(
                    _(
                        "Another %(scheme)s list for %(organisation)s is being imported; "
                        "try again when it has finished."
                    )
                    % {"scheme": self.scheme.upper(), "organisation": self.organisation.name}
                )
            list_import = ListImport.objects.create(
                organisation=self.organisation,
                team=self.team,
                scheme=self.scheme,
                received_on=self.day,
                file_name=name[:255],
                digest=list_digest,
                rows=len(rows),
                imported_by=self.actor,
                imported_at=self.now,
                state=ListImport.State.RUNNING,
                alive_at=timezone.now(),
            )
        self.summary.list_import_id = list_import.pk
        return list_import

    def write_rows(self, list_import, rows, progress) -> None:
        org = self.organisation
        open_entries = {
            person_id: (entry_id, listed_on)
            for person_id, entry_id, listed_on in TargetEntry.objects.filter(
                organisation=org, scheme=self.scheme, left_on__isnull=True
            ).values_list("person_id", "id", "listed_on")
        }
        seen: set[int] = set()
        total = len(rows)
        for start in range(0, total, self.chunk):
            chunk = rows[start : start + self.chunk]
            self._pause()
            began = time.perf_counter()
            with transaction.atomic():
                seen |= self._write_chunk(list_import, chunk, open_entries)
                ListImport.objects.filter(pk=list_import.pk).update(alive_at=timezone.now())
            self.held = time.perf_counter() - began
            if progress:
                progress(min(start + self.chunk, total), total)
        self._leave_absent(list_import, open_entries, seen)
        self._pause()
        with transaction.atomic():
            self._complete(list_import)

    def _pause(self) -> None:
        """Between two write transactions (none before the first): see `CHUNK`."""
        if self.held is not None:
            let_waiting_writers_in(self.held)

    def _complete(self, list_import) -> None:
        """The last transaction: entries of earlier lists leave, and the list is shown."""
        by_outcome: dict[tuple[datetime.date, str], list[int]] = {}
        for entry_id, left_on, reason in self.leaving:
            by_outcome.setdefault((left_on, reason), []).append(entry_id)
        for (left_on, reason), entry_ids in by_outcome.items():
            for start in range(0, len(entry_ids), 2000):
                TargetEntry.objects.filter(
                    pk__in=entry_ids[start : start + 2000], left_on__isnull=True
                ).update(left_on=left_on, left_reason=reason, left_recorded_at=self.now)
        PendingPerson.objects.filter(list_import=list_import).delete()
        list_import.state = ListImport.State.COMPLETE
        for attribute in ("new", "stayed", "left", "excluded", "people_created"):
            setattr(list_import, attribute, getattr(self.summary, attribute))
        list_import.save(
            update_fields=["new", "stayed", "left", "excluded", "people_created", "state"]
        )
        do_log_change(
            self.actor,
            action="outreach.list_imported",
            obj=list_import,
            organisation_id=self.organisation.pk,
            changed_fields=["rows", "new", "stayed", "left", "excluded"],
        )

    def _write_chunk(self, list_import, chunk, open_entries) -> set[int]:
        org = self.organisation
        hashes = [crypto.lookup_hash(row.number.value) for row in chunk]
        known = self._people_with(hashes)
        # The registered birth date of each known person: what the age rules read.
        born_on = self._check_same_people(chunk, hashes, known)
        followed = set(
            Follow.objects.filter(team=self.team, person_id__in=known.values()).values_list(
                "person_id", flat=True
            )
        )
        for row, digest in zip(chunk, hashes, strict=True):
            if digest in known and known[digest] not in followed:
                self.summary.not_opened += 1
                self.summary.not_opened_lines.append(row.line)
        new_people = [
            self._person(row, digest)
            for row, digest in zip(chunk, hashes, strict=True)
            if digest not in known
        ]
        if new_people:
            insert_rows(Person, new_people)
            known.update(self._people_with([p["id_number_hash"] for p in new_people]))
            self.summary.people_created += len(new_people)
            insert_rows(
                PendingPerson,
                (
                    {"list_import_id": list_import.pk, "person_id": known[p["id_number_hash"]]}
                    for p in new_people
                ),
            )
            registered = [known[p["id_number_hash"]] for p in new_people]
            do_log_changes(
                self.actor,
                action="person.registered_from_list",
                model=Person,
                objects=((person_id, person_id) for person_id in registered),
                organisation_id=org.pk,
                changed_fields=("contact_details", "identity_number", "name"),
                at=self.now,
            )
        # The team follows the people registered just now (nobody sees them before the
        # list is complete, so their follows go straight in). People registered before are
        # followed by the team already, or not opened to it: never followed from a list.
        insert_rows(
            Follow,
            (
                {
                    "person_id": known[p["id_number_hash"]],
                    "team_id": self.team.pk,
                    "organisation_id": org.pk,
                    "since": self.day,
                }
                for p in new_people
            ),
        )
        entries: list[dict] = []
        members: list[dict] = []
        leaving: list[tuple[int, int, datetime.date, str]] = []
        for row, digest in zip(chunk, hashes, strict=True):
            person_id = known[digest]
            # A person registered just now has the row's birth date.
            born = born_on.get(person_id, row.birth_date)
            reason = eligibility.ineligibility_reason(
                self.scheme, born, self.day, row.school_status
            )
            current = open_entries.get(person_id)
            if reason:
                self.summary.excluded += 1
                self.summary.excluded_reasons[reason] += 1
                if current is not None:
                    leaving.append((person_id, current[0], self._left_on(born, current[1]), reason))
                else:
                    members.append(
                        self._member(list_import, None, person_id, "excluded", reason, row)
                    )
                continue
            if current is not None:
                self.summary.stayed += 1
                members.append(
                    self._member(
                        list_import, current[0], person_id, MembershipChange.STAYED, "", row
                    )
                )
                continue
            self.summary.new += 1
            entries.append(
                {
                    "organisation_id": org.pk,
                    "team_id": self.team.pk,
                    "scheme": self.scheme,
                    "person_id": person_id,
                    "school_status": row.school_status,
                    "listed_on": self.day,
                    "list_import_id": list_import.pk,
                    "created_at": self.now,
                }
            )
            members.append(
                self._member(list_import, None, person_id, MembershipChange.NEW, "", row)
            )
        entry_of: dict[int, int] = {}
        if entries:
            insert_rows(TargetEntry, entries)
            # Through the unique index of open entries (organisation, scheme, person).
            entry_of = dict(
                TargetEntry.objects.filter(
                    organisation=org,
                    scheme=self.scheme,
                    left_on__isnull=True,
                    person_id__in=[e["person_id"] for e in entries],
                )
                .order_by()
                .values_list("person_id", "id")
            )
        for member in members:
            if member["change"] == MembershipChange.NEW:
                member["entry_id"] = entry_of[member["person_id"]]
        initial = statuses.INITIAL[self.scheme]
        insert_rows(
            StatusChange,
            (
                {
                    "organisation_id": org.pk,
                    "entry_id": entry_id,
                    "scheme": self.scheme,
                    "code": initial,
                    "code_list_version": statuses.STATUS_LIST_VERSION,
                    "effective_on": self.day,
                    "recorded_at": self.now,
                    "recorded_by_id": self.actor.pk,
                }
                for entry_id in entry_of.values()
            ),
        )
        for person_id, entry_id, left_on, reason in leaving:
            self._leave(entry_id, left_on, reason)
            members.append(
                {
                    "list_import_id": list_import.pk,
                    "entry_id": entry_id,
                    "person_id": person_id,
                    "change": MembershipChange.LEFT,
                    "reason": reason,
                    "line": None,
                }
            )
        insert_rows(ListMembership, members)
        return {known[h] for h in hashes}

    def _check_same_people(
        self, chunk, hashes: list[str], known: dict[str, int]
    ) -> dict[int, datetime.date]:
        """A registered number with another name or birth date refuses the whole list.

        Returns the registered birth date of each known person.
        """
        registered = {
            pk: (first, last, born)
            for pk, first, last, born in Person.objects.filter(pk__in=known.values())
            .order_by()
            .values_list("id", "first_name", "last_name", "birth_date")
        }
        errors = []
        for row, digest in zip(chunk, hashes, strict=True):
            if digest not in known:
                continue
            first, last, born = registered[known[digest]]
            if not same_name(row.first_name, row.last_name, first, last):
                reason = _("This number belongs to a person with another name; check the number.")
            elif row.birth_date_is_firm and row.birth_date != born:
                reason = _(
                    "This number belongs to a person with another birth date; check the number."
                )
            else:
                continue
            errors.append(listfile.RowError(row.line, reason))
        if errors:
            raise ImportRefused(
                _(
                    "%(count)s rows have an identity number registered for someone else; "
                    "nothing was imported."
                )
                % {"count": len(errors)},
                errors,
            )
        return {pk: born for pk, (_first, _last, born) in registered.items()}

    def _people_with(self, hashes: list[str]) -> dict[str, int]:
        return dict(
            # The non-empty condition lets the database use the partial unique index
            # on (organisation, id_number_hash) instead of reading the organisation.
            Person.objects.filter(organisation=self.organisation, id_number_hash__in=hashes)
            .exclude(id_number_hash="")
            .order_by()
            .values_list("id_number_hash", "id")
        )

    def _person(self, row: listfile.ListRow, digest: str) -> dict:
        org = self.organisation
        return {
            "organisation_id": org.pk,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "birth_date": row.birth_date,
            "id_number_encrypted": crypto.encrypt(row.number.value),
            "id_number_hash": digest,
            "id_number_kind": str(row.number.kind),
            "id_number_masked": row.number.masked(),
            "phone": row.phone,
            "email": row.email,
            "address": row.address,
            "postal_code": row.postal_code,
            "city": row.city,
            "municipality": org.name if org.kind == Organisation.Kind.MUNICIPALITY else "",
            "country": org.country,
            "preferred_language": "sv" if org.country == "SE" else "nb",
            "created_at": self.now,
            "updated_at": self.now,
        }

    def _member(self, list_import, entry_id, person_id, change, reason, row) -> dict:
        return {
            "list_import_id": list_import.pk,
            "entry_id": entry_id,
            "person_id": person_id,
            "change": change,
            "reason": reason,
            "line": row.line,
        }

    def _left_on(self, born: datetime.date, listed_on: datetime.date) -> datetime.date:
        ended = eligibility.age_window_ended_on(self.scheme, born, listed_on, self.day)
        return ended or self.day

    def _leave(self, entry_id: int, left_on: datetime.date, reason: str) -> None:
        self.summary.left += 1
        self.summary.left_reasons[reason] += 1
        self.leaving.append((entry_id, left_on, reason))

    def _leave_absent(self, list_import, open_entries, seen: set[int]) -> None:
        absent = [person_id for person_id in open_entries if person_id not in seen]
        if not absent:
            return
        births: dict = {}
        for start in range(0, len(absent), CHUNK):
            births.update(
                Person.objects.filter(pk__in=absent[start : start + CHUNK]).values_list(
                    "id", "birth_date"
                )
            )
        members = []
        for person_id in absent:
            entry_id, listed_on = open_entries[person_id]
            ended = eligibility.age_window_ended_on(
                self.scheme, births[person_id], listed_on, self.day
            )
            if ended is not None:
                left_on, reason = ended, eligibility.rule_on(self.scheme, ended).age_leave_reason
            else:
                left_on, reason = self.day, LeaveReason.NOT_ON_LIST
            self.leaving.append((entry_id, left_on, reason))
            members.append(
                {
                    "list_import_id": list_import.pk,
                    "entry_id": entry_id,
                    "person_id": person_id,
                    "change": MembershipChange.LEFT,
                    "reason": reason,
                    "line": None,
                }
            )
            self.summary.left += 1
            self.summary.left_reasons[reason] += 1
        for start in range(0, len(members), self.chunk):
            self._pause()
            began = time.perf_counter()
            with transaction.atomic():
                insert_rows(ListMembership, members[start : start + self.chunk])
            self.held = time.perf_counter() - began


def abandoned_lists(organisation: Organisation | None = None):
    """Imports a crash left behind: running without a sign of life, or failed and not
    yet undone (undoing deletes the list at its end)."""
    stale = timezone.now() - ABANDONED_AFTER
    lists = ListImport.objects.filter(state=ListImport.State.FAILED) | ListImport.objects.filter(
        state=ListImport.State.RUNNING, alive_at__lt=stale
    )
    if organisation is not None:
        lists = lists.filter(organisation=organisation)
    return lists


def held_people():
    """The people registered by a list import that is not complete (a subquery); the doors
    leave them out (losen/people/holds.py)."""
    return PendingPerson.objects.values("person_id")
