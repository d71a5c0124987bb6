"""The contact ladder: steps on the configured days, the 14-day promise, the queue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from losen.lib.errors import NotAllowed
from losen.outreach.actions.ladder import AlreadyReached, do_log_attempt
from losen.outreach.ladder import default_ladder, queue
from losen.outreach.models import LadderConfig, StatusChange, TargetEntry
from losen.outreach.models.ladder import ContactAttempt

LISTED = datetime.date(2026, 10, 1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def day(n: int) -> datetime.date:
    return LISTED + datetime.timedelta(days=n)


@pytest.fixture
def entry(import_list, fnr):
    import_list(
        [
            {
                "identity_number": fnr(datetime.date(2008, 4, 2), 3),
                "first_name": "Ida",
                "last_name": "Lie",
            }
        ],
        received_on=LISTED,
    )
    return TargetEntry.objects.get()


def steps_on(n: int) -> list[str]:
    return [row.step for row in queue(TargetEntry.objects.all(), day=day(n))]


def test_the_default_ladder_is_phone_sms_letter_home_visit_with_a_14_day_promise():
    ladder = default_ladder()
    assert [s.method for s in ladder.steps] == ["phone", "sms", "letter", "home_visit"]
    assert ladder.promise_days == 14


def test_a_person_who_does_not_answer_moves_through_the_steps_on_the_configured_days(
    entry, coordinator
):
    # phone on day 0; sms 1 day after; letter 3 days after the sms; home visit 5 after.
    assert steps_on(0) == ["phone"]
    do_log_attempt(coordinator, entry, method="phone", result="no_answer", attempted_at=at(day(0)))
    assert steps_on(0) == []
    assert steps_on(1) == ["sms"]
    do_log_attempt(coordinator, entry, method="sms", result="message_left", attempted_at=at(day(1)))
    assert steps_on(3) == []
    assert steps_on(4) == ["letter"]
    do_log_attempt(
        coordinator, entry, method="letter", result="message_left", attempted_at=at(day(4))
    )
    assert steps_on(8) == []
    assert steps_on(9) == ["home_visit"]
    do_log_attempt(
        coordinator, entry, method="home_visit", result="no_answer", attempted_at=at(day(9))
    )
    assert steps_on(30) == []  # every step tried
    assert ContactAttempt.objects.filter(entry=entry).count() == 4


def test_an_organisations_own_ladder_sets_other_days(entry, coordinator, municipality):
    LadderConfig.objects.create(
        organisation=municipality,
        scheme="ot",
        steps=[{"method": "phone", "wait_days": 2}, {"method": "letter", "wait_days": 7}],
        promise_days=10,
    )
    assert steps_on(1) == []
    assert steps_on(2) == ["phone"]
    do_log_attempt(coordinator, entry, method="phone", result="no_answer", attempted_at=at(day(2)))
    assert steps_on(8) == []
    assert steps_on(9) == ["letter"]


def test_the_14_day_promise_is_flagged_when_broken(entry, coordinator):
    do_log_attempt(coordinator, entry, method="phone", result="no_answer", attempted_at=at(day(0)))
    row_on_day_14 = list(queue(TargetEntry.objects.all(), day=day(14)))
    assert [r.overdue for r in row_on_day_14] == [False]
    row_on_day_15 = list(queue(TargetEntry.objects.all(), day=day(15)))
    assert [r.overdue for r in row_on_day_15] == [True]


def test_a_reached_person_leaves_the_queue_and_ot_status_becomes_otov(entry, coordinator):
    do_log_attempt(coordinator, entry, method="phone", result="no_answer", attempted_at=at(day(0)))
    do_log_attempt(coordinator, entry, method="sms", result="answered", attempted_at=at(day(1)))
    assert steps_on(1) == steps_on(20) == []
    entry.refresh_from_db()
    assert entry.reached_on == day(1)
    assert list(StatusChange.objects.filter(entry=entry).values_list("code", flat=True)) == [
        "OTUK",
        "OTOV",
    ]
    with pytest.raises(AlreadyReached):
        do_log_attempt(coordinator, entry, method="phone", result="reached")


def test_a_wrong_number_skips_the_steps_that_need_a_phone(entry, coordinator):
    do_log_attempt(
        coordinator, entry, method="phone", result="wrong_number", attempted_at=at(day(0))
    )
    assert steps_on(3) == ["letter"]


def test_someone_who_turned_20_is_not_in_the_kaa_queue(import_kaa, kaa_coordinator):
    from losen.outreach.tests.conftest import swedish_pnr

    birth = datetime.date(2006, 10, 10)
    import_kaa(
        [{"identity_number": swedish_pnr(birth, 5), "first_name": "Elsa", "last_name": "Ek"}],
        received_on=LISTED,
    )
    entries = TargetEntry.objects.all()
    assert len(queue(entries, day=datetime.date(2026, 10, 9))) == 1
    assert queue(entries, day=datetime.date(2026, 10, 10)) == []


def test_an_outsider_cannot_log_an_attempt(entry, outsider):
    with pytest.raises(NotAllowed):
        do_log_attempt(outsider, entry, method="phone", result="reached")
