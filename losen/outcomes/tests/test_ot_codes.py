"""The exit outcomes mapped to Udir's OT status codes (Kodeverk for oppfølgingstjenesten),
on a versioned list: a new version does not change what earlier exits meant."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState, EventKind
from losen.outcomes import actions, codes
from losen.outreach import statuses


def test_other_organised_activity_is_not_otko_but_non_formal_training():
    assert codes.ot_code("other_activity.organised_activity") == "OTIF"


def test_no_activity_is_not_otov_and_has_no_ot_code_of_its_own():
    assert codes.ot_code("no_activity") == ""


def test_moved_to_another_county_is_otfa_im():
    assert codes.ot_code("unknown.moved_county") == "OTFA_IM"


def test_moved_abroad_is_otfu_im():
    assert codes.ot_code("unknown.moved_abroad") == "OTFU_IM"


def test_adult_education_is_otoa():
    assert codes.ot_code("education.adult_education") == "OTOA"


def test_otif_belongs_to_the_group_avklart():
    assert statuses.get("ot", "OTIF").group == "clarified"
    with translation.override("nb"):
        assert str(statuses.GROUPS["clarified"]) == "Avklart"


def test_every_ot_code_of_the_exit_list_is_a_udir_status_code():
    for code in codes.CODES:
        assert code.ot_code == "" or code.ot_code in statuses.codes("ot"), code.code


def test_exits_coded_with_version_2026_1_keep_the_ot_codes_they_had():
    assert codes.ot_code("other_activity.organised_activity", "2026.1") == "OTKO"
    assert codes.ot_code("no_activity", "2026.1") == "OTOV"
    assert codes.ot_code("unknown.moved", "2026.1") == "OTFA_IM"
    assert codes.ot_code("work.full_time", "2026.1") == "OTAR"


def test_moved_without_saying_where_is_no_longer_offered_but_still_reads():
    offered = [code for _label, group in codes.choices() for code, _ in group]
    assert "unknown.moved" not in offered
    assert {"unknown.moved_county", "unknown.moved_abroad"} <= set(offered)
    with translation.override("en"):
        assert str(codes.get("unknown.moved").label) == "Moved"


@pytest.mark.django_db
def test_an_exit_abroad_is_recorded_with_otfu_im_on_the_current_version(coordinator, person, team):
    case = do_open_case(coordinator, person, team, opened_on=datetime.date(2025, 3, 1))
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    outcome = actions.do_exit(
        coordinator, case, code="unknown.moved_abroad", exited_on=datetime.date(2025, 8, 31)
    )
    assert outcome.code_list_version == "2026.2"
    assert case.events.get(kind=EventKind.EXIT).data["ot_code"] == "OTFU_IM"


@pytest.mark.django_db
def test_a_new_exit_cannot_be_coded_moved_without_saying_where(coordinator, person, team):
    case = do_open_case(coordinator, person, team, opened_on=datetime.date(2025, 3, 1))
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    with pytest.raises(actions.UnknownCode):
        actions.do_exit(
            coordinator, case, code="unknown.moved", exited_on=datetime.date(2025, 8, 31)
        )
