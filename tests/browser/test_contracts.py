"""An outcome contract in a real browser, with axe-core on every page: the provider's
team lead submits a claim with its evidence, the payer's verifier verifies it (seeing a
pseudonym), and the contract page shows it month by month."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from losen.cases.actions.core import do_transition_case
from losen.cases.models import CaseState
from losen.contracts.actions import do_import_contract
from losen.contracts.contract_file import read_contract
from losen.contracts.tests.conftest import TERMS
from losen.programs.actions import do_enrol
from losen.programs.models import Measure
from tests.browser.conftest import log_in


def test_a_claim_is_submitted_with_evidence_and_verified(
    live_server,
    page: Page,
    check,
    coordinator,
    team_lead,
    case,
    municipality,
    make_user,
    outside_organisation,
    today,
):
    from losen.accounts.models import Role

    make_user("kontroll@utenfor.no", Role.VERIFIER, organisation=outside_organisation)
    measure = Measure.objects.create(
        organisation=municipality, name="Restart", kind=Measure.Kind.CLARIFICATION
    )
    contract = do_import_contract(None, read_contract(TERMS)).contract
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    do_enrol(coordinator, case, measure, start_on=today)

    log_in(page, live_server.url, team_lead.email)
    page.goto(f"{live_server.url}/contracts/")
    check(page)
    page.get_by_role("link", name="UNG i Test").click()
    expect(page.locator("#rate-card")).to_contain_text("engaged")
    check(page)
    page.locator("#to-claims").click()
    expect(page.locator("#claims")).to_contain_text("Nora Hansen")
    check(page)
    page.locator("#claims a").first.click()
    page.get_by_label("Type dokumentasjon").select_option("register_check")
    page.get_by_label("Hva den viser").fill("Oppmøteliste for første uke")
    page.get_by_label("Innhentet").fill(today.isoformat())
    page.locator("#add-evidence").click()
    expect(page.locator("#claim-evidence")).to_contain_text("Oppmøteliste for første uke")
    check(page)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/claims/")
    page.locator("#claims input[type=checkbox]").first.check()
    page.locator("#submit-chosen").click()
    expect(page.locator("#claims")).to_contain_text("Sendt inn til kontroll")

    log_in(page, live_server.url, "kontroll@utenfor.no")
    page.goto(f"{live_server.url}/contracts/{contract.pk}/claims/")
    expect(page.locator("#claims")).to_contain_text("Deltaker")
    expect(page.locator("#claims")).not_to_contain_text("Nora")
    check(page)
    page.locator("#claims button[value=verify]").first.click()
    expect(page.locator("#claims")).to_contain_text("Kontrollert og godkjent")
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    expect(page.locator("#contract-months")).to_contain_text("5 000")
    check(page)
