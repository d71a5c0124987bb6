"""The demo's outreach: two KAA lists for Demo kommun, worked through the contact ladder.

Demo kommun (Sweden) received the municipality's list of young people under its
activity duty three months ago and again ten days ago. The lists are made of the demo's
own Swedish young people aged 16 to 19 (and a few newcomers), imported through the
real list import (losen/outreach/importer.py), so the demo shows new, still-listed and
departed people. The first list's people have been through the ladder: unanswered
calls, text messages, letters, some reached, some declined; the second list's
newcomers are waiting for their first step, a few of them already past the two-week
promise.

There is no Norwegian OT list: the follow-up service belongs to the county, and the
demo has no county.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.apps import apps
from django.utils import timezone

from losen.accounts.actions import system_user
from losen.accounts.models import Organisation, Team, User
from losen.audit.actors import LIST_IMPORT_USER
from losen.lib import crypto
from losen.outreach import importer
from losen.outreach.actions.ladder import do_assign_entry, do_log_attempt
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import TargetEntry
from losen.outreach.models.ladder import Method, Result
from losen.people.models import Person

KAA_ORGANISATION = "kommun"
KAA_TEAM = "KAA-teamet"
SCHOOL_STATUSES = ("dropped_out", "dropped_out", "never_started", "other", "studiebevis")


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _rows(people: list[Person], rng: random.Random) -> list[dict[str, str]]:
    return [
        {
            "identity_number": crypto.decrypt(person.id_number_encrypted),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "address": person.address,
            "postal_code": person.postal_code,
            "city": person.city,
            "phone": person.phone,
            "email": person.email,
            "school_status": rng.choice(SCHOOL_STATUSES),
        }
        for person in people
    ]


def _csv(rows: list[dict[str, str]]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(importer.listfile.COLUMNS), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def load_outreach(
    *,
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
    today: datetime.date,
    seed: int,
) -> int:
    """Import the two lists and work the first through the ladder; returns the entries."""
    rng = random.Random(seed * 7919 + 5)
    organisation = organisations[KAA_ORGANISATION]
    team = teams[KAA_ORGANISATION, KAA_TEAM]
    coordinator = (
        User.objects.filter(memberships__team=team, is_active=True).order_by("email").first()
    )
    first_day = today - datetime.timedelta(days=91)
    second_day = today - datetime.timedelta(days=10)
    candidates = [
        person
        for person in Person.objects.filter(organisation=organisation).exclude(
            id_number_encrypted=""
        )
        if 16 <= _age_on(person.birth_date, first_day) <= 19
    ]
    rng.shuffle(candidates)
    size = min(len(candidates), max(12, len(candidates) // 3), 600)
    if size < 6 or coordinator is None:
        return 0
    listed = candidates[:size]
    first = listed[: size * 3 // 4]
    # The second list: most of the first (those who have not turned 20), and newcomers.
    second = [p for p in first[len(first) // 6 :] if _age_on(p.birth_date, second_day) < 20]
    second += listed[size * 3 // 4 :]
    actor = system_user(LIST_IMPORT_USER)
    for day, people in ((first_day, first), (second_day, second)):
        do_import_list(
            actor,
            f"kaa-{day:%Y-%m-%d}.csv",
            _csv(_rows(people, rng)),
            organisation=organisation,
            team=team,
            scheme="kaa",
            received_on=day,
        )
    _work_the_ladder(coordinator, team, first_day, rng)
    return TargetEntry.objects.filter(organisation=organisation).count()


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(7), rng.randrange(60)))
    return timezone.make_aware(moment)


def _work_the_ladder(
    coordinator: User, team: Team, listed_on: datetime.date, rng: random.Random
) -> None:
    """The first list's people, worked as a coordinator would over three months."""
    entries = list(TargetEntry.objects.filter(team=team, listed_on=listed_on))
    for entry in entries:
        if rng.random() < 0.8:
            do_assign_entry(coordinator, entry, coordinator)
        day = listed_on + datetime.timedelta(days=rng.randrange(1, 12))
        roll = rng.random()
        if roll < 0.45:
            result = Result.REACHED
        elif roll < 0.55:
            result = Result.DECLINED
        else:
            result = rng.choice([Result.NO_ANSWER, Result.MESSAGE_LEFT])
        do_log_attempt(
            coordinator, entry, method=Method.PHONE, result=result, attempted_at=_at(day, rng)
        )
        if result not in (Result.NO_ANSWER, Result.MESSAGE_LEFT):
            continue
        # No answer: a text message two days later, then a letter, some reached by then.
        for method, gap in ((Method.SMS, 2), (Method.LETTER, 5)):
            day += datetime.timedelta(days=gap)
            reached = rng.random() < 0.35
            do_log_attempt(
                coordinator,
                entry,
                method=method,
                result=Result.ANSWERED if reached else Result.NO_ANSWER,
                attempted_at=_at(day, rng),
            )
            if reached:
                break


def delete_outreach(org_ids: list[int]) -> None:
    """Every outreach row of these organisations, those that point at others first."""
    models = list(apps.get_app_config("outreach").get_models())
    remaining = set(models)
    ordered = []
    while remaining:
        # A model no other remaining model points at can go now.
        free = [
            m
            for m in remaining
            if not any(
                f.related_model is m
                for other in remaining
                if other is not m
                for f in other._meta.concrete_fields
                if f.is_relation
            )
        ]
        if not free:  # a cycle: fall back to any order
            free = list(remaining)
        for model in sorted(free, key=lambda m: m._meta.label):
            ordered.append(model)
            remaining.discard(model)
    for model in ordered:
        names = {f.name for f in model._meta.concrete_fields}
        if "organisation" in names:
            model._default_manager.filter(organisation_id__in=org_ids).delete()
