"""The receiving side of the exchange tests: Utenfor AS (`outside_organisation` of the
shared fixtures), its team lead, and a published measure of theirs."""

from __future__ import annotations

import pytest

from losen.accounts.models import Role
from losen.catalogue.actions import do_publish_measure
from losen.programs.actions import do_create_measure
from losen.programs.models import Measure


@pytest.fixture
def provider_lead(make_user, outside_team):
    return make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)


@pytest.fixture
def listing(provider_lead, outside_organisation):
    measure = do_create_measure(
        provider_lead,
        outside_organisation,
        name="Restart",
        kind=Measure.Kind.CLARIFICATION,
        capacity=12,
    )
    return do_publish_measure(
        provider_lead,
        measure,
        target_group="Unge 16–29",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring oss",
    )
