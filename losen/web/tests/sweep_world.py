"""The world the URL sweep runs in: the demo world, and one of everything a URL can name.

The demo world (losen/demo/world.py) brings the organisations, teams and personas and a
follow-up chain (cases, meetings, plans, notes, measures, sessions, comparisons). On top
of it come the objects the demo leaves out: a guardian, an OT list with its entry and a
statutory export for Ungteam, a KAA list with an entry and a KAA measure for Demo kommun's
KAA team, a grant report with a saved version, an export job, and two personas the demo
has not got: a volunteer in Ungteam, the team lead of the municipality's other team, a
provider's guest at Ungteam's meeting and the administrator of another organisation.

Every object belongs to Ungteam of Demo kommune (the KAA objects to KAA-teamet of Demo
kommun: KAA lists exist only in Sweden; an invitation by address to its invitee, a NAV
adviser). `Home.secrets` are what a response to someone
outside must never contain: the names and identity numbers of the young people concerned.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.utils import timezone

from conftest import synthetic_fnr
from losen.accounts.models import Membership, Organisation, Role, Team, User
from losen.cases.actions.core import do_open_case, do_record_event, do_transition_case
from losen.cases.actions.intake import (
    do_register_referral,
    do_upload_signed_application,
    do_withdraw_consent,
)
from losen.cases.actions.meetings import do_create_meeting
from losen.cases.models import (
    AgendaItem,
    Case,
    CaseState,
    Consent,
    ConsentPurpose,
    EventKind,
    JournalNote,
    MeetingAttendee,
    TeamPartner,
)
from losen.cases.queries.intake import consent_covers
from losen.catalogue.actions import do_publish_measure
from losen.catalogue.models import Listing, ReportedMeasure
from losen.contracts.actions import (
    claims_of,
    do_add_evidence,
    do_draw_sample,
    do_import_contract,
    do_make_statement,
    do_submit_claims,
    do_verify_claim,
)
from losen.contracts.contract_file import read_contract
from losen.contracts.models import Claim
from losen.exchange.actions import do_refer_out, do_write_status_note
from losen.exchange.models import ReceivedReferral, SentReferral
from losen.grants.actions import do_create_grant_report, do_save_grant_answers
from losen.jobs.exporters import start_export_job
from losen.lib import crypto
from losen.lib.idnumbers import parse_identity_number
from losen.outcomes.models import FollowUp
from losen.outreach import statutory
from losen.outreach.actions.exports import do_make_statutory_export
from losen.outreach.actions.kaa import do_add_kaa_measure
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import TargetEntry
from losen.outreach.tests.conftest import list_csv, swedish_pnr
from losen.people.actions import PersonData, do_add_guardian, do_register_person
from losen.people.exporters import PeopleExport
from losen.people.models import Follow, Person
from losen.programs.actions import (
    do_add_session,
    do_create_measure,
    do_enrol,
    do_record_attendance,
)
from losen.programs.models import Enrolment, Measure, Staircase
from losen.reports.models import ReferenceFigure, Target

# A one-page PDF, as a scanner would send it.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
VOLUNTEER = "frivillig.ungteam@demo.no"
OTHER_ADMIN = "admin@utenfor.demo.no"
OTHER_LEAD = "leder.oppfolging@demo.no"
# A PitStop coordinator invited to the team meeting whose agenda has a person who has
# withdrawn their consent to the team meeting.
GUEST = "gjest@pitstop.demo.no"
# A NAV adviser invited by address to Ungteam's next meeting, who has not answered yet.
INVITEE = "invitert@nav.demo.no"
# The coordinator of the organisation Ungteam refers out to (no persona of the sweep).
RECEIVER_LEAD = "leder@mottaker.demo.no"
# The verifier of the payer in an outcome contract with Mottaker AS as its provider.
CONTRACT_VERIFIER = "kontroll@betaler.demo.no"


@dataclass
class Home:
    """The objects one team owns, by the URL keyword that names them."""

    ids: dict[str, object]
    people: list[Person] = field(default_factory=list)

    @property
    def secrets(self) -> list[re.Pattern]:
        """A young person's name (either way round, also split into CSV columns), number."""
        found = []
        for person in self.people:
            first, last = re.escape(person.first_name), re.escape(person.last_name)
            found += [re.compile(rf"{first}\s+{last}"), re.compile(rf"{last}\s*[,;\t]\s*{first}")]
            if person.id_number_encrypted:
                number = crypto.decrypt(person.id_number_encrypted)
                found += [
                    re.compile(re.escape(number)),
                    re.compile(re.escape(person.id_number_masked)),
                ]
        return found


@dataclass
class World:
    ungteam: Home
    kaa: Home
    invitation: Home
    receiver: Home
    contract: Home
    users: dict[str, User]
    organisations: dict[str, Organisation]


def build_world() -> World:
    call_command("demo-data", youths=60, seed=1, verbosity=0)
    users = {user.email: user for user in User.objects.all()}
    organisations = {org.name: org for org in Organisation.objects.all()}
    kommune = organisations["Demo kommune"]
    ungteam = Team.objects.get(organisation=kommune, name="Ungteam")
    _add_persona(users, VOLUNTEER, "Vilde Frivillig", Role.VOLUNTEER, kommune, ungteam)
    oppfolging = Team.objects.get(organisation=kommune, name="Oppfølgingsteam")
    _add_persona(users, OTHER_LEAD, "Ole Leder", Role.TEAM_LEAD, kommune, oppfolging)
    utenfor = organisations["Utenfor AS"]
    _add_persona(users, OTHER_ADMIN, "Anders Admin", Role.ADMIN, utenfor, None, is_staff=True)
    return World(
        ungteam=_ungteam_home(users, kommune, ungteam),
        kaa=_kaa_home(users, organisations["Demo kommun"]),
        invitation=_invitation_home(users, ungteam, organisations["NAV Demo"]),
        receiver=_receiver_home(users),
        contract=_contract_home(users),
        users=users,
        organisations=organisations,
    )


def _add_persona(users, email, name, role, organisation, team, *, is_staff=False) -> None:
    user = User.objects.create_user(email, "demo", full_name=name, is_staff=is_staff)
    Membership.objects.create(user=user, organisation=organisation, team=team, role=role)
    users[email] = user


def _ungteam_home(users: dict[str, User], kommune: Organisation, ungteam: Team) -> Home:
    coordinator = users["koordinator@demo.no"]
    today = timezone.localdate()
    followed_elsewhere = Follow.objects.filter(person_id=OuterRef("person_id")).exclude(
        team=ungteam
    )
    case = (
        Case.objects.filter(team=ungteam, plan__isnull=False)
        .filter(~Exists(followed_elsewhere))
        # Not one the demo referred to PitStop: PitStop keeps its own copy of those.
        .filter(~Exists(SentReferral.objects.filter(person_id=OuterRef("person_id"))))
        .filter(Exists(JournalNote.objects.filter(case_id=OuterRef("pk"))))
        .filter(Exists(Consent.objects.filter(case_id=OuterRef("pk"))))
        .filter(enrolments__status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo has no detailed Ungteam case"
    person = case.person
    # A new referral, its application signed on paper and uploaded.
    unsigned = do_register_referral(
        coordinator,
        team=ungteam,
        source="nav",
        reason="Dropped out of school.",
        person_data=PersonData(
            first_name="Signe", last_name="Papirsen", birth_date=datetime.date(2004, 6, 7)
        ),
    ).referral.case
    signed = do_upload_signed_application(
        coordinator,
        unsigned,
        paper=SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf"),
        signed_on=today,
        youth_name=str(unsigned.person),
    )
    assert signed.paper, "the paper was not stored"
    guardian = do_add_guardian(coordinator, person, name="Mor Sveipesen", relation="mother")
    # The other team types the person's number into a referral: it is passed on to Ungteam.
    # They type the name in lower case: their queue shows back what they typed (no secret),
    # and the sweep still finds the record's own spelling if anything of it leaks.
    assert person.id_number_encrypted, "the detailed case's person has no identity number"
    passed_on = do_register_referral(
        users["kollega@demo.no"],
        team=Team.objects.get(organisation=kommune, name="Oppfølgingsteam"),
        source="school",
        reason="Ba om hjelp på skolen.",
        person_data=PersonData(
            first_name=person.first_name.lower(),
            last_name=person.last_name.lower(),
            birth_date=person.birth_date,
        ),
        identity_number=parse_identity_number(crypto.decrypt(person.id_number_encrypted)),
    )
    assert passed_on.passed_on, "the referral was not passed on to Ungteam"
    follow_up = FollowUp.objects.filter(case__team=ungteam).select_related("case__person").first()
    pitstop = Organisation.objects.get(name="PitStop Demo")
    item = (
        AgendaItem.objects.filter(meeting__team=ungteam)
        .select_related("case__person", "meeting")
        .order_by("pk")
        .first()
    )
    # The person withdrew their consent to the team meeting: no guest sees them any more.
    for consent in item.case.consents.filter(
        purpose=ConsentPurpose.TEAM_MEETING, withdrawn_at__isnull=True
    ):
        do_withdraw_consent(coordinator, consent)
    assert not consent_covers(item.case, pitstop)
    _add_persona(users, GUEST, "Gunn Gjest", Role.COORDINATOR, pitstop, pitstop.teams.first())
    MeetingAttendee.objects.create(
        meeting=item.meeting, user=users[GUEST], organisation=pitstop, is_guest=True
    )
    # A partner of the team (the record only: not seated in the team's other meetings).
    partner = TeamPartner.objects.create(team=ungteam, user=users[GUEST], organisation=pitstop)
    enrolment = case.enrolments.filter(status=Enrolment.Status.ACTIVE).first()
    measure = enrolment.measure
    session = do_add_session(users["leder@demo.no"], measure, number=99, starts_at=timezone.now())
    do_record_attendance(coordinator, session, {enrolment.pk: True})
    # This year's draft (the demo brings last year's submitted one, which it starts from).
    report = do_create_grant_report(coordinator, measure, year=today.year, kind="status")
    do_save_grant_answers(coordinator, report, expected_version=0, answers={})
    target = Target.objects.filter(organisation=kommune, readings__isnull=False).first()
    listed = _listed_person(
        "ot",
        synthetic_fnr(datetime.date(today.year - 17, 3, 4), 77),
        coordinator,
        kommune,
        ungteam,
    )
    export = do_make_statutory_export(
        coordinator,
        kommune,
        statutory.layouts()["udir-ot-status-counts@2026.1"],
        _last_half_year(today),
    )
    job = start_export_job(PeopleExport(coordinator, {}), "csv", run_now=True)
    ids = {
        "person_id": person.pk,
        "guardian_id": guardian.pk,
        "team_id": ungteam.pk,
        "case_id": case.pk,
        "paper_case_id": unsigned.pk,
        "consent_id": case.consents.first().pk,
        "event_id": case.events.first().pk,
        "note_id": case.notes.first().pk,
        "enrolment_id": enrolment.pk,
        "follow_up_id": follow_up.pk,
        "meeting_id": item.meeting_id,
        "item_id": item.pk,
        "measure_id": measure.pk,
        "session_id": session.pk,
        "staircase_id": Staircase.objects.filter(organisation=kommune).first().pk,
        "report_id": report.pk,
        "number": 1,
        "job_id": job.pk,
        "target_id": target.pk,
        "reading_id": target.readings.first().pk,
        "figure_id": ReferenceFigure.objects.filter(organisation=kommune).first().pk,
        "entry_id": listed.pk,
        "list_id": listed.list_import_id,
        "export_id": export.pk,
        "referral_id": passed_on.referral.pk,
        "listing_id": _listing_of(measure).pk,
        "partner_id": partner.pk,
        "sent_referral_id": _refer_to_receiver(coordinator, case).pk,
        "unlisted_measure_id": Measure.objects.filter(organisation=kommune, listing__isnull=True)
        .first()
        .pk,
        "reported_id": ReportedMeasure.objects.order_by("source_id").first().pk,
    }
    people = [person, unsigned.person, follow_up.case.person, item.case.person, listed.person]
    return Home(ids=ids, people=people)


def _receiver_home(users: dict[str, User]) -> Home:
    """A referral from Ungteam to another organisation's measure: the receiver's to open."""
    lead = users[RECEIVER_LEAD] = User.objects.get(email=RECEIVER_LEAD)
    case = Case.objects.get(pk=_REFERRED_OUT[0])
    received = ReceivedReferral.objects.get(pk=_REFERRED_OUT[1])
    note = do_write_status_note(lead, received, "Vi har ringt og avtalt et møte.")
    return Home(ids={"referral_id": received.pk, "status_note_id": note.pk}, people=[case.person])


def _contract_home(users: dict[str, User]) -> Home:
    """An outcome contract: Betaler kommune pays Mottaker AS (the receiver's organisation)
    for a young person of Mottaker's own, whose claim is submitted to the payer's
    verifier. No persona is party to it: every one of them must get 404."""
    lead = users[RECEIVER_LEAD]
    team = Team.objects.get(name="Mottakerteamet")
    payer = Organisation.objects.create(
        name="Betaler kommune", kind=Organisation.Kind.MUNICIPALITY, country="NO"
    )
    _add_persona(users, CONTRACT_VERIFIER, "Vera Verifiserer", Role.VERIFIER, payer, None)
    today = timezone.localdate()
    person = do_register_person(
        lead,
        team=team,
        data=PersonData(
            first_name="Kåre",
            last_name="Kontraktsen",
            birth_date=today.replace(year=today.year - 18, day=1),
        ),
        identity_number=None,
    )
    case = do_open_case(lead, person, team, opened_on=today - datetime.timedelta(days=30))
    do_record_event(
        lead, case, EventKind.REFERRED, effective_on=today - datetime.timedelta(days=30)
    )
    do_transition_case(lead, case, CaseState.ACCEPTED)
    measure = Measure.objects.get(organisation=team.organisation, name="Avklaring")
    do_enrol(lead, case, measure, start_on=today - datetime.timedelta(days=20))
    terms = {
        "name": "UNG i Betaler",
        "payer": payer.name,
        "provider": team.organisation.name,
        "starts_on": (today - datetime.timedelta(days=365)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=365)).isoformat(),
        "currency": "NOK",
        "cap_per_person": 100000,
        "cap_total": 1000000,
        "eligibility": {"min_age": 15, "max_age": 25},
        "outcomes": [{"code": "engaged", "name": "Startet", "trigger": "start", "price": 5000}],
    }
    contract = do_import_contract(None, read_contract(terms)).contract
    (claim,) = claims_of(contract)
    do_submit_claims(lead, contract, [claim.pk])
    evidence = do_add_evidence(
        lead,
        claim,
        kind="document",
        description="Oppmøteliste",
        obtained_on=today,
        document=SimpleUploadedFile("liste.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    verifier = users[CONTRACT_VERIFIER]
    sample = do_draw_sample(verifier, contract, size=1)
    do_verify_claim(verifier, claim)
    Claim.objects.filter(pk=claim.pk).update(decided_at=timezone.now() - datetime.timedelta(days=3))
    statement = do_make_statement(
        verifier,
        contract,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=1),
    )
    ids = {
        "contract_id": contract.pk,
        "claim_id": claim.pk,
        "evidence_id": evidence.pk,
        "sample_id": sample.pk,
        "statement_id": statement.pk,
    }
    return Home(ids=ids, people=[person])


# The Ungteam case referred out and its referral's number (set by _ungteam_home).
_REFERRED_OUT: list[int] = []


def _refer_to_receiver(coordinator: User, case: Case) -> SentReferral:
    """Refer the case to an organisation of its own, whose coordinator is no persona: every
    persona of the sweep must get 404 from the receiver's pages."""
    receiver = Organisation.objects.create(
        name="Mottaker AS", kind=Organisation.Kind.PROVIDER, country="NO"
    )
    team = Team.objects.create(organisation=receiver, name="Mottakerteamet")
    lead = User.objects.create_user(RECEIVER_LEAD, "demo", full_name="Mona Mottaker")
    Membership.objects.create(user=lead, organisation=receiver, team=team, role=Role.TEAM_LEAD)
    measure = do_create_measure(lead, receiver, name="Avklaring", kind=Measure.Kind.CLARIFICATION)
    listing = do_publish_measure(
        lead,
        measure,
        target_group="Unge 16–29",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring oss",
    )
    sent = do_refer_out(
        coordinator,
        case,
        listing=listing,
        fields=["contact"],
        reason="Trenger avklaring",
        youth_consents=True,
        guardian_consents=True,
    )
    _REFERRED_OUT[:] = [case.pk, sent.pk]
    return sent


def _listing_of(measure: Measure) -> Listing:
    """The measure's listing in the catalogue (the demo lists some of Ungteam's)."""
    found = Listing.objects.filter(measure=measure).first()
    if found is not None:
        return found
    return Listing.objects.create(
        organisation=measure.organisation,
        measure=measure,
        target_group="Unge 16–25 år",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring Ungteamet.",
    )


def _kaa_home(users: dict[str, User], kommun: Organisation) -> Home:
    coordinator = users["kaa@demo.se"]
    today = timezone.localdate()
    team = Team.objects.get(organisation=kommun, name="KAA-teamet")
    listed = _listed_person(
        "kaa", swedish_pnr(datetime.date(today.year - 17, 5, 6), 981), coordinator, kommun, team
    )
    measure = do_add_kaa_measure(
        coordinator,
        listed,
        plan="Praktik två dagar i veckan",
        goal="Börja på ett program i augusti",
        youth_responsibility="Komma i tid",
        municipality_responsibility="Ordna praktikplats",
        start_on=today,
    )
    return Home(ids={"entry_id": listed.pk, "measure_id": measure.pk}, people=[listed.person])


def _listed_person(scheme, number, actor, organisation, team) -> TargetEntry:
    row = {"identity_number": number, "first_name": "Ingrid", "last_name": "Sveipesen"}
    do_import_list(
        actor,
        f"{scheme}.csv",
        io.BytesIO(list_csv([row])),
        organisation=organisation,
        team=team,
        scheme=scheme,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    return TargetEntry.objects.select_related("person").get(
        team=team, person__last_name="Sveipesen"
    )


def _last_half_year(day: datetime.date) -> str:
    """The half-year before today's (its cut-off date has come, whatever the day)."""
    return f"{day.year}H1" if day.month > 6 else f"{day.year - 1}H2"


def _invitation_home(users: dict[str, User], ungteam: Team, nav: Organisation) -> Home:
    """An invitation of Ungteam's next meeting, by address, to a NAV adviser: only she
    answers it. Its people are those on that meeting's agenda."""
    _add_persona(users, INVITEE, "Ida Invitert", Role.COORDINATOR, nav, nav.teams.first())
    meeting = do_create_meeting(
        users["leder@demo.no"],
        team=ungteam,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        invite_addresses=[INVITEE.upper()],
    )
    invitation = meeting.invitations.get()
    people = [item.case.person for item in meeting.items.select_related("case__person")]
    return Home(ids={"invitation_id": invitation.pk}, people=people)
