"""Bridge financing: an investor funds the provider until the payer's outcome payments
come in, and is repaid, never beyond the return cap agreed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from losen.accounts.models import Organisation, Role
from losen.contracts import actions
from losen.contracts.contract_file import read_contract
from losen.contracts.models import LedgerEntry, Statement
from losen.contracts.tests.conftest import TERMS
from losen.lib.errors import NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def investor(db):
    return Organisation.objects.create(name="Ferd Demo", kind="funder", country="NO")


@pytest.fixture
def bridged(municipality, outside_organisation, measure, investor):
    terms = {**TERMS, "name": "UNG med bro", "investor": "Ferd Demo", "investor_return_cap": 10}
    return actions.do_import_contract(None, read_contract(terms)).contract


@pytest.fixture
def investor_admin(make_user, investor):
    return make_user("admin@ferd.no", Role.ADMIN, organisation=investor)


def test_the_ledger_shows_funding_outcome_payments_and_repayment_in_order(
    client, investor_admin, verifier, bridged, today
):
    actions.do_record_ledger_entry(
        investor_admin,
        bridged,
        kind="funding",
        on=today - datetime.timedelta(days=60),
        amount=100000,
        reference="Avtale 1",
    )
    Statement.objects.create(
        contract=bridged,
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=11),
        total=35000,
        made_by=verifier,
        paid_on=today - datetime.timedelta(days=5),
        reference="UNG-1",
    )
    client.force_login(investor_admin)
    client.post(
        reverse("contracts:ledger", args=[bridged.pk]),
        {"kind": "repayment", "on": today.isoformat(), "amount": 35000, "reference": "Tilbake 1"},
    )
    page = client.get(reverse("contracts:ledger", args=[bridged.pk]))
    rows = page.context["rows"]
    assert [(r.what, r.amount) for r in rows] == [
        ("funding", 100000),
        ("outcome_payment", 35000),
        ("repayment", 35000),
    ]
    assert (rows[-1].funded, rows[-1].paid_by_payer, rows[-1].repaid) == (100000, 35000, 35000)
    assert page.context["most_back"] == 110000


def test_a_repayment_beyond_the_return_cap_is_refused(investor_admin, bridged, today):
    actions.do_record_ledger_entry(investor_admin, bridged, kind="funding", on=today, amount=100000)
    actions.do_record_ledger_entry(
        investor_admin, bridged, kind="repayment", on=today, amount=110000
    )
    with pytest.raises(actions.OverReturnCap):
        actions.do_record_ledger_entry(
            investor_admin, bridged, kind="repayment", on=today, amount=1
        )
    assert LedgerEntry.objects.count() == 2


def test_only_the_parties_administrators_keep_the_ledger(
    client, coordinator, verifier, outsider, investor_admin, bridged, contract, today
):
    for user in (coordinator, verifier, outsider):
        with pytest.raises(NotAllowed):
            actions.do_record_ledger_entry(user, bridged, kind="funding", on=today, amount=1)
    with pytest.raises(NotAllowed):  # no investor: no ledger
        actions.do_record_ledger_entry(investor_admin, contract, kind="funding", on=today, amount=1)
    client.force_login(coordinator)  # a party's member reads it, writes nothing
    url = reverse("contracts:ledger", args=[bridged.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"kind": "funding", "on": today.isoformat(), "amount": 5}).status_code
        == 404
    )
    assert not LedgerEntry.objects.exists()


def test_a_return_cap_without_an_investor_is_refused_in_the_file(
    municipality, outside_organisation, measure
):
    from losen.contracts.contract_file import ContractFileError

    with pytest.raises(ContractFileError) as refused:
        read_contract({**TERMS, "investor_return_cap": 10})
    assert refused.value.problems[0][0] == "investor_return_cap"
