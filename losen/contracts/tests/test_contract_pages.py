"""The contract pages: the parties see the terms and figures; the provider's leads see the
claims by name and submit them; the payer's verifiers see the submitted ones, by name only
under the young person's consent, and every claim shown is in the access log; nobody else
reaches anything (404)."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import AccessLog
from losen.cases.actions.core import do_transition_case
from losen.cases.models import CaseState, Consent, ConsentPurpose
from losen.contracts import actions
from losen.contracts.models import ClaimState, Contract
from losen.contracts.tests.conftest import TERMS
from losen.programs.actions import do_enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(coordinator, case, measure, contract, today):
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    do_enrol(coordinator, case, measure, start_on=today)
    (made,) = actions.claims_of(contract)
    return made


@pytest.fixture
def submitted(team_lead, contract, claim):
    actions.do_submit_claims(team_lead, contract, [claim.pk])
    claim.refresh_from_db()
    return claim


def test_the_parties_see_the_contract_and_strangers_get_404(
    client, coordinator, outsider, make_user, contract, claim
):
    detail = reverse("contracts:detail", args=[contract.pk])
    for user in (coordinator, outsider):  # the provider's and the payer's staff
        client.force_login(user)
        page = client.get(detail)
        assert page.status_code == 200
        assert page.context["totals"].made == 1
        assert "Nora" not in page.content.decode()  # figures, no names
    third = Organisation.objects.create(name="Tredje", kind="provider", country="NO")
    stranger = make_user(
        "x@tredje.no", Role.TEAM_LEAD, team=Team.objects.create(organisation=third, name="T")
    )
    client.force_login(stranger)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("contracts:claims", args=[contract.pk])).status_code == 404
    assert list(client.get(reverse("contracts:list")).context["contracts"]) == []


def test_only_leads_and_verifiers_open_the_claims(
    client, coordinator, colleague, outsider, org_admin, contract, claim
):
    url = reverse("contracts:claims", args=[contract.pk])
    for user in (coordinator, colleague, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(org_admin)  # the provider's administrator
    assert client.get(url).status_code == 200


def test_the_team_lead_sees_names_and_submits_the_chosen_claims(client, team_lead, contract, claim):
    client.force_login(team_lead)
    page = client.get(reverse("contracts:claims", args=[contract.pk]))
    assert [row.name for row in page.context["rows"]] == ["Nora Hansen"]
    assert AccessLog.objects.filter(actor=team_lead, what="list:claims").count() == 1
    client.post(reverse("contracts:claims", args=[contract.pk]), {"claim": [claim.pk]})
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED


def test_the_verifier_sees_a_pseudonym_without_consent_and_the_name_with_it(
    client, verifier, case, contract, submitted
):
    client.force_login(verifier)
    url = reverse("contracts:claims", args=[contract.pk])
    (row,) = client.get(url).context["rows"]
    assert not row.named and len(row.name) == 8 and "Nora" not in client.get(url).content.decode()
    read = AccessLog.objects.filter(actor=verifier).latest("id")
    assert (read.person_id, read.organisation_id) == (case.person_id, contract.payer_id)
    Consent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person_id=case.person_id,
        purpose=ConsentPurpose.OUTCOME_VERIFICATION,
        recipient="organisation",
        recipient_organisation=contract.payer,
        given_by=Consent.GivenBy.YOUTH,
    )
    (row,) = client.get(url).context["rows"]
    assert row.named and row.name == "Nora Hansen"


def test_the_verifier_does_not_see_claims_not_submitted(client, verifier, contract, claim):
    client.force_login(verifier)
    page = client.get(reverse("contracts:claims", args=[contract.pk]))
    assert page.context["rows"] == []


def test_the_verifier_verifies_and_rejects_with_a_reason(
    client, verifier, team_lead, contract, submitted
):
    client.force_login(verifier)
    decide = reverse("contracts:decide", args=[contract.pk, submitted.pk])
    response = client.post(decide, {"decision": "reject", "reason": ""})
    submitted.refresh_from_db()
    assert submitted.state == ClaimState.SUBMITTED  # a rejection says why
    client.post(decide, {"decision": "reject", "reason": "Mangler dokumentasjon"})
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reject_reason) == (
        ClaimState.REJECTED,
        "Mangler dokumentasjon",
    )
    assert response.status_code == 302
    client.force_login(team_lead)
    page = client.get(reverse("contracts:claims", args=[contract.pk])).content.decode()
    assert "Mangler dokumentasjon" in page
    # The provider cannot decide on its own claims.
    assert client.post(decide, {"decision": "verify"}).status_code == 404


def test_the_payers_administrator_makes_a_contract_from_a_file(
    client, make_user, outside_organisation, municipality, measure
):
    admin = make_user("admin@utenfor.no", Role.ADMIN, organisation=outside_organisation)
    client.force_login(admin)
    bad = io.BytesIO(json.dumps({**TERMS, "cap_total": -1}).encode())
    bad.name = "kontrakt.json"
    page = client.post(reverse("contracts:new"), {"file": bad})
    assert page.status_code == 200 and not Contract.objects.exists()
    assert ("cap_total", shown("must not be negative")) in page.context["problems"]
    good = io.BytesIO(json.dumps(TERMS).encode())
    good.name = "kontrakt.json"
    response = client.post(reverse("contracts:new"), {"file": good})
    contract = Contract.objects.get()
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])


def test_someone_who_administers_no_payer_cannot_make_a_contract(
    client, coordinator, team_lead, outside_organisation, municipality, measure
):
    for user in (coordinator, team_lead):
        client.force_login(user)
        assert client.get(reverse("contracts:new")).status_code == 404


def test_the_menu_shows_contracts_to_the_parties_only(
    client, coordinator, colleague, make_user, contract
):
    client.force_login(coordinator)
    assert reverse("contracts:list") in client.get(reverse("catalogue:catalogue")).content.decode()
    third = Organisation.objects.create(name="Tredje", kind="provider", country="NO")
    stranger = make_user(
        "x@tredje.no", Role.TEAM_LEAD, team=Team.objects.create(organisation=third, name="T")
    )
    client.force_login(stranger)
    page = client.get(reverse("catalogue:catalogue")).content.decode()
    assert reverse("contracts:list") not in page


def test_the_contract_page_shows_the_claims_month_by_month_and_cumulative(
    client, coordinator, verifier, team_lead, case, contract, claim, today
):
    from losen.outcomes.actions import do_exit

    do_exit(coordinator, case, code="work.full_time", exited_on=today)
    claims = actions.claims_of(contract)
    actions.do_submit_claims(team_lead, contract, [c.pk for c in claims])
    actions.do_verify_claim(verifier, claims[0])
    client.force_login(coordinator)
    page = client.get(reverse("contracts:detail", args=[contract.pk]))
    months = page.context["months"]
    assert months[-1].month == today.replace(day=1)
    assert months[-1].cumulative_made == 35000 and months[-1].cumulative_verified == 5000
    assert months[-1].cap_used == round(100 * 5000 / 4000000)
    assert 'id="contract-chart-title"' in page.content.decode()


def test_what_the_payer_gets_is_shown_with_small_counts_hidden_outside_the_provider(
    client, coordinator, outsider, team_lead, case, contract, claim, today
):
    from losen.outcomes.actions import do_exit

    do_exit(coordinator, case, code="work.full_time", exited_on=today)
    client.force_login(team_lead)  # the provider's lead: exact
    value = client.get(reverse("contracts:detail", args=[contract.pk])).context["value"]
    assert (value.started, value.into_work_or_school, value.share) == (1, 1, 1.0)
    client.force_login(outsider)  # the payer's staff: one young person is a small count
    page = client.get(reverse("contracts:detail", args=[contract.pk]))
    value = page.context["value"]
    assert (value.started, value.into_work_or_school, value.share) == (None, None, None)
    assert page.context["months"][-1].made is None


def test_the_indigo_export_has_the_metrics_pricings_and_no_small_counts(
    client, outsider, contract, claim
):
    client.force_login(outsider)
    response = client.get(reverse("contracts:indigo", args=[contract.pk]))
    data = json.loads(response.content)
    assert [m["id"] for m in data["outcome_metrics"]] == ["engaged", "into_work", "sustained_6m"]
    assert {p["price"] for p in data["outcome_pricings"]} == {5000, 30000, 50000}
    assert data["project"]["cap_total"] == 4000000
    (result,) = data["results"]
    assert result["suppressed"] and result["achieved"] is None
    assert "Nora" not in response.content.decode()


def test_a_team_lead_of_another_provider_team_sees_the_pseudonym_not_the_name(
    client, make_user, other_team, contract, claim
):
    other_lead = make_user("leder2@test.no", Role.TEAM_LEAD, team=other_team)
    client.force_login(other_lead)
    page = client.get(reverse("contracts:claims", args=[contract.pk]))
    (row,) = page.context["rows"]
    assert not row.named and "Nora" not in page.content.decode()
    read = AccessLog.objects.filter(actor=other_lead, what="list:claims").get()
    assert read.person_id == claim.person_id
