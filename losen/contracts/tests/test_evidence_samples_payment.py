"""Evidence on a claim (and the flag when the employer is the provider itself), the
verifier's random sample, and the payment statements: made of the verified claims of a
period that is over, as CSV and PDF, and marked paid."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from losen.audit.models import AccessLog
from losen.cases.actions.core import do_transition_case
from losen.cases.models import CaseState
from losen.contracts import actions
from losen.contracts.models import ClaimState, Evidence, Sample, Statement
from losen.lib.errors import NotAllowed
from losen.outcomes.actions import do_exit
from losen.programs.actions import do_enrol

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def two_claims(coordinator, team_lead, case, measure, contract, today):
    """Started 6 days ago and left for work 3 days ago; both claims submitted."""
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    do_enrol(coordinator, case, measure, start_on=today - datetime.timedelta(days=6))
    do_exit(coordinator, case, code="work.full_time", exited_on=today - datetime.timedelta(days=3))
    claims = actions.claims_of(contract)
    actions.do_submit_claims(team_lead, contract, [c.pk for c in claims])
    for claim in claims:
        claim.refresh_from_db()
    return claims


def test_a_document_is_kept_and_read_only_through_the_claims_door(
    client, team_lead, verifier, outsider, contract, two_claims, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _start, work = two_claims
    client.force_login(team_lead)
    url = reverse("contracts:evidence_add", args=[contract.pk, work.pk])
    response = client.post(
        url,
        {
            "kind": "document",
            "description": "Arbeidskontrakt, 100 % fast",
            "obtained_on": timezone.localdate().isoformat(),
            "document": SimpleUploadedFile("kontrakt.pdf", PDF, content_type="application/pdf"),
            "employer": "Bakeriet AS",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.obtained_by == team_lead and evidence.document
    document = reverse("contracts:evidence_document", args=[contract.pk, work.pk, evidence.pk])
    client.force_login(verifier)
    assert b"".join(client.get(document).streaming_content) == PDF
    read = AccessLog.objects.filter(actor=verifier, what="claim_evidence").get()
    assert (read.person_id, read.organisation_id) == (work.person_id, contract.payer_id)
    client.force_login(outsider)
    assert client.get(document).status_code == 404


def test_a_document_that_is_no_document_is_refused(client, team_lead, contract, two_claims):
    _start, work = two_claims
    client.force_login(team_lead)
    response = client.post(
        reverse("contracts:evidence_add", args=[contract.pk, work.pk]),
        {
            "kind": "document",
            "description": "Kontrakt",
            "obtained_on": timezone.localdate().isoformat(),
            "document": SimpleUploadedFile(
                "kontrakt.pdf", b"MZ\x90", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 400 and not Evidence.objects.exists()


def test_an_employer_who_is_the_provider_itself_is_flagged(
    client, team_lead, verifier, municipality, contract, two_claims
):
    _start, work = two_claims
    evidence = actions.do_add_evidence(
        team_lead,
        work,
        kind="register_check",
        description="A-ordningen: ansatt fra 1. i måneden",
        obtained_on=timezone.localdate(),
        employer="Egen arbeidsplass",
        employer_number=municipality.org_number,
    )
    assert actions.employed_by_provider(evidence, contract)
    client.force_login(verifier)
    page = client.get(reverse("contracts:claim", args=[contract.pk, work.pk]))
    assert f'id="own-employer-{evidence.pk}"' in page.content.decode()
    assert AccessLog.objects.filter(actor=verifier, what="claim", person_id=work.person_id).exists()


def test_the_verifier_draws_a_sample_of_submitted_claims_and_records_the_check(
    client, verifier, team_lead, contract, two_claims
):
    with pytest.raises(NotAllowed):
        actions.do_draw_sample(team_lead, contract, size=1)
    client.force_login(verifier)
    client.post(reverse("contracts:samples", args=[contract.pk]), {"size": 1})
    sample = Sample.objects.get()
    assert sample.size == 1 and sample.claims.get() in two_claims and len(sample.seed) == 16
    client.post(
        reverse("contracts:sample", args=[contract.pk, sample.pk]),
        {"result": "Arbeidskontrakt sjekket mot A-ordningen: i orden."},
    )
    sample.refresh_from_db()
    assert sample.completed_at is not None and "i orden" in sample.result
    with pytest.raises(actions.NotSubmittable):
        actions.do_record_sample_result(verifier, sample, result="Igjen")


def test_a_statement_pays_the_verified_claims_of_a_period_once(
    client, verifier, team_lead, contract, two_claims, today
):
    start, work = two_claims
    actions.do_verify_claim(verifier, start)
    actions.do_verify_claim(verifier, work)
    yesterday = today - datetime.timedelta(days=1)
    with pytest.raises(ValueError):  # a period not over
        actions.do_make_statement(verifier, contract, starts_on=yesterday, ends_on=today)
    from losen.contracts.models import Claim

    # Verified some days ago, in a period that is over.
    verified_at = timezone.now() - datetime.timedelta(days=3)
    Claim.objects.filter(pk__in=[start.pk, work.pk]).update(decided_at=verified_at)
    period = (today - datetime.timedelta(days=10), yesterday)
    with pytest.raises(NotAllowed):
        actions.do_make_statement(team_lead, contract, starts_on=period[0], ends_on=period[1])
    client.force_login(verifier)
    client.post(
        reverse("contracts:statements", args=[contract.pk]),
        {"starts_on": period[0].isoformat(), "ends_on": period[1].isoformat()},
    )
    statement = Statement.objects.get()
    assert statement.total == 35000 and statement.claims.count() == 2
    with pytest.raises(actions.NothingToPay):  # those claims are on a statement already
        actions.do_make_statement(verifier, contract, starts_on=period[0], ends_on=period[1])
    csv = b"".join(
        client.get(
            reverse("contracts:statement_file", args=[contract.pk, statement.pk, "csv"])
        ).streaming_content
    ).decode("utf-8-sig")
    assert "Nora" not in csv and "35000" in csv and "into_work" in csv
    pdf = client.get(reverse("contracts:statement_file", args=[contract.pk, statement.pk, "pdf"]))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "UNG i Test" in text and "35000" in text
    client.post(
        reverse("contracts:statement", args=[contract.pk, statement.pk]),
        {"paid_on": today.isoformat(), "reference": "Faktura 2026-117"},
    )
    statement.refresh_from_db()
    assert (statement.paid_on, statement.reference) == (today, "Faktura 2026-117")
    assert {c.state for c in actions.claims_of(contract)} == {ClaimState.PAID}
    with pytest.raises(actions.NotSubmittable):
        actions.do_mark_paid(verifier, statement, paid_on=today, reference="Igjen")


def test_the_statements_are_the_payers_and_the_providers_leads_only(
    client, coordinator, outsider, team_lead, verifier, contract
):
    url = reverse("contracts:statements", args=[contract.pk])
    for user in (coordinator, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
    for user in (team_lead, verifier):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(team_lead)
    assert client.post(url, {"starts_on": "2026-01-01", "ends_on": "2026-01-31"}).status_code == 404
