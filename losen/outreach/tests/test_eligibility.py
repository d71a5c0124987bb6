"""Who is in a target group: the rules files at their boundaries."""

from __future__ import annotations

import datetime

from losen.outreach import eligibility
from losen.outreach.ladder import in_group_on
from losen.outreach.models import TargetEntry
from losen.outreach.tests.conftest import swedish_pnr

BIRTH = datetime.date(2006, 9, 14)
DAY_BEFORE_20 = datetime.date(2026, 9, 13)
TWENTIETH_BIRTHDAY = datetime.date(2026, 9, 14)


def test_kaa_keeps_a_person_the_day_before_their_20th_birthday():
    assert eligibility.is_eligible("kaa", BIRTH, DAY_BEFORE_20)


def test_kaa_removes_a_person_on_their_20th_birthday_with_the_reason_turned_20():
    assert not eligibility.is_eligible("kaa", BIRTH, TWENTIETH_BIRTHDAY)
    assert eligibility.ineligibility_reason("kaa", BIRTH, TWENTIETH_BIRTHDAY) == "turned_20"
    ended = eligibility.age_window_ended_on(
        "kaa", BIRTH, datetime.date(2026, 1, 1), datetime.date(2026, 12, 1)
    )
    assert ended == TWENTIETH_BIRTHDAY


def test_kaa_excludes_introduction_programmes_from_july_2018_only():
    birth = datetime.date(2001, 1, 1)
    assert eligibility.is_eligible(
        "kaa", birth, datetime.date(2018, 6, 30), "introduction_programme"
    )
    assert not eligibility.is_eligible(
        "kaa", birth, datetime.date(2018, 7, 1), "introduction_programme"
    )
    assert eligibility.is_eligible("kaa", birth, datetime.date(2018, 7, 1), "dropped_out")


def test_the_norwegian_window_is_15_to_21_before_august_2024_and_15_to_24_after():
    turns_23_in_2024 = datetime.date(2001, 3, 1)
    assert not eligibility.is_eligible("ot", turns_23_in_2024, datetime.date(2024, 7, 31))
    assert eligibility.is_eligible("ot", turns_23_in_2024, datetime.date(2024, 8, 1))
    turns_21_in_2024 = datetime.date(2003, 12, 30)
    assert eligibility.is_eligible("ot", turns_21_in_2024, datetime.date(2024, 7, 31))
    turns_14_in_2024 = datetime.date(2010, 1, 1)
    assert not eligibility.is_eligible("ot", turns_14_in_2024, datetime.date(2024, 8, 1))


def test_the_rules_are_data_with_versions_that_do_not_overlap():
    kaa = eligibility.versions("kaa")
    assert [v.valid_from for v in kaa] == [datetime.date(2015, 1, 1), datetime.date(2018, 7, 1)]
    ot = eligibility.versions("ot")
    assert ot[-1].max_age == 24 and ot[-1].valid_from == datetime.date(2024, 8, 1)


def test_the_queue_query_agrees_with_the_rules_at_the_20th_birthday(import_kaa):
    import_kaa(
        [{"identity_number": swedish_pnr(BIRTH, 31), "first_name": "Elsa", "last_name": "Ek"}],
        received_on=datetime.date(2026, 1, 10),
    )
    entries = TargetEntry.objects.all()
    assert in_group_on(entries, "kaa", DAY_BEFORE_20).count() == 1
    assert in_group_on(entries, "kaa", TWENTIETH_BIRTHDAY).count() == 0


def test_the_birth_date_range_matches_the_rule_for_every_day_of_a_leap_year():
    rule = eligibility.rule_on("kaa", datetime.date(2024, 1, 1))
    day = datetime.date(2024, 2, 29)
    earliest, _latest = rule.birth_date_range(day)
    for birth in (
        datetime.date(2004, 2, 28),
        datetime.date(2004, 2, 29),
        datetime.date(2004, 3, 1),
    ):
        assert (birth >= earliest) == rule.age_eligible(birth, day)
