"""`losen demo-data`: the made-up demo world, its logins, its numbers and who sees whom."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone

from losen.accounts.models import Membership, Organisation, Role, Team, User
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.demo import world as demo
from losen.demo.names import NORWEGIAN, SWEDISH
from losen.demo.people import skatteverket_test_numbers
from losen.exchange.models import ReceivedReferral
from losen.lib import crypto
from losen.lib.idnumbers import parse_identity_number
from losen.lib.orgnumbers import normalize_organisation_number
from losen.people.models import Follow, Guardian, Person, age_on
from losen.people.queries import get_person_for, visible_to

YOUTHS = 60
SEED = 7
TODAY = datetime.date(2026, 3, 15)


def load(youths: int = YOUTHS, seed: int = SEED, **options) -> str:
    out = StringIO()
    call_command("demo-data", youths=youths, seed=seed, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Team, User, Membership, Person, Follow, Guardian, ChangeLog)
    }


def signature() -> list[tuple]:
    """The demo people as the user sees them (identity numbers decrypted)."""
    people = Person.objects.select_related("organisation").order_by("pk")
    return [
        (
            person.organisation.name,
            person.first_name,
            person.last_name,
            person.birth_date,
            crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else "",
            tuple(sorted(person.follows.values_list("team__name", flat=True))),
        )
        for person in people
    ]


@pytest.fixture
def demo_world(db) -> str:
    return load()


# --- the world --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_the_named_organisations_with_valid_organisation_numbers(demo_world):
    expected = {
        ("Demo kommune", Organisation.Kind.MUNICIPALITY, "NO"),
        ("NAV Demo", Organisation.Kind.NAV_OFFICE, "NO"),
        ("PitStop Demo", Organisation.Kind.PROVIDER, "NO"),
        ("Demo kommun", Organisation.Kind.MUNICIPALITY, "SE"),
        ("Utenfor AS", Organisation.Kind.PROVIDER, "NO"),
    }
    organisations = Organisation.objects.all()
    assert {(org.name, org.kind, org.country) for org in organisations} == expected
    for org in organisations:
        assert normalize_organisation_number(org.org_number, org.country) == org.org_number


@pytest.mark.django_db
def test_it_creates_the_named_teams_in_their_organisations(demo_world):
    assert set(Team.objects.values_list("organisation__name", "name")) == {
        ("Demo kommune", "Ungteam"),
        ("Demo kommune", "Oppfølgingsteam"),
        ("NAV Demo", "Ungdomsteam"),
        ("PitStop Demo", "PitStop"),
        ("Demo kommun", "KAA-teamet"),
        ("Utenfor AS", "Utenforteamet"),
    }


@pytest.mark.django_db
def test_it_gives_every_demo_user_their_role_and_a_full_name(demo_world):
    memberships = {
        m.user.email: (m.role, m.organisation.name, m.team.name if m.team else None)
        for m in Membership.objects.select_related("user", "organisation", "team")
    }
    assert memberships == {
        "koordinator@demo.no": (Role.COORDINATOR, "Demo kommune", "Ungteam"),
        "leder@demo.no": (Role.TEAM_LEAD, "Demo kommune", "Ungteam"),
        "analytiker@demo.no": (Role.MANAGER, "Demo kommune", None),
        "utenfor@demo.no": (Role.COORDINATOR, "Utenfor AS", "Utenforteamet"),
        "admin@demo.no": (Role.ADMIN, "Demo kommune", None),
        "kollega@demo.no": (Role.COORDINATOR, "Demo kommune", "Oppfølgingsteam"),
        "navveileder@demo.no": (Role.COORDINATOR, "NAV Demo", "Ungdomsteam"),
        "pitstop@demo.no": (Role.COORDINATOR, "PitStop Demo", "PitStop"),
        "pitstopleder@demo.no": (Role.TEAM_LEAD, "PitStop Demo", "PitStop"),
        "verifikator@demo.no": (Role.VERIFIER, "Demo kommune", None),
        "kaa@demo.se": (Role.COORDINATOR, "Demo kommun", "KAA-teamet"),
        "kaaleder@demo.se": (Role.TEAM_LEAD, "Demo kommun", "KAA-teamet"),
        "admin@demo.se": (Role.ADMIN, "Demo kommun", None),
        "frivillig@demo.no": (Role.VOLUNTEER, "PitStop Demo", "PitStop"),
    }
    assert all(user.full_name for user in User.objects.all())
    assert set(User.objects.filter(is_staff=True).values_list("email", flat=True)) == {
        "admin@demo.no",
        "admin@demo.se",
    }
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_every_demo_user_can_log_in_with_the_password_demo(demo_world):
    assert [email for email, _ in demo.DEMO_USERS] == [user.email for user in demo.USERS]
    for email, _description in demo.DEMO_USERS:
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=email, password="demo")
        assert user is not None and user.email == email
        assert not user.check_password("wrong")


def test_the_box_make_demo_prints_lists_every_demo_login():
    out = StringIO()
    call_command("demo-logins", "--url", "http://127.0.0.1:8123/", stdout=out)
    box = out.getvalue()
    assert "http://127.0.0.1:8123/" in box and "password: demo" in box
    for user in demo.USERS:
        assert user.email in box and user.description in box
    lines = [line for line in box.splitlines() if line.strip()]
    assert len({len(line) for line in lines}) == 1, "the box's lines are of one width"


def test_make_demo_prints_the_box_of_the_demo_logins_command():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    demo_recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "demo-logins" in demo_recipe


@pytest.mark.django_db
def test_it_prints_the_logins_at_the_end(demo_world):
    tail = demo_world.split("Logins", 1)[1]
    for email, description in demo.DEMO_USERS:
        assert email in tail and description in tail
    assert "demo" in tail


# --- the people -------------------------------------------------------------------------


def generated_people():
    """The people the demo made up: not the records PitStop registered when it took in a
    referral from NAV Demo or Demo kommune (those are copies, in PitStop's own records)."""
    copies = ReceivedReferral.objects.exclude(person=None).values("person_id")
    return Person.objects.exclude(pk__in=copies)


@pytest.mark.django_db
def test_it_creates_the_asked_number_of_people_each_followed_in_their_organisation(demo_world):
    assert generated_people().count() == YOUTHS
    assert Person.objects.count() > YOUTHS  # PitStop's copies of the referred
    for person in Person.objects.prefetch_related("follows__team"):
        follows = list(person.follows.all())
        assert follows, person.pk
        for follow in follows:
            assert follow.organisation_id == person.organisation_id
            assert follow.team.organisation_id == person.organisation_id


@pytest.mark.django_db
def test_every_stored_identity_number_decrypts_to_a_valid_number_with_the_birth_date(
    demo_world,
):
    people = list(Person.objects.exclude(id_number_hash=""))
    assert len(people) >= YOUTHS * 0.6
    countries = set()
    for person in people:
        value = crypto.decrypt(person.id_number_encrypted)
        number = parse_identity_number(value, allow_synthetic=True)
        assert number.value == value
        assert number.birth_date == person.birth_date
        assert number.country == person.country == person.organisation.country
        assert person.id_number_hash == crypto.lookup_hash(value)
        assert person.id_number_masked == number.masked()
        assert person.id_number_kind == str(number.kind)
        if number.country == "NO":
            assert number.synthetic, "Norwegian demo numbers are Test-Norge numbers"
        countries.add(number.country)
    assert countries == {"NO", "SE"}


@pytest.mark.django_db
def test_no_identity_number_is_stored_in_the_clear(demo_world):
    numbers = {
        crypto.decrypt(token)
        for token in Person.objects.exclude(id_number_encrypted="").values_list(
            "id_number_encrypted", flat=True
        )
    }
    # The Swedish ten-digit form too (YYMMDDNNNC).
    numbers |= {number[2:] for number in numbers if len(number) == 12}
    for model in (Person, Guardian, Follow):
        for row in model.objects.values_list():
            text = " ".join(str(value) for value in row)
            assert not any(number in text for number in numbers), model.__name__


@pytest.mark.django_db
def test_every_minor_has_at_least_one_guardian(demo_world):
    today = timezone.localdate()  # the day the generator used
    minors = [p for p in Person.objects.prefetch_related("guardians") if p.age(today) < 18]
    assert minors, "60 people aged 15-29 include minors"
    for person in minors:
        guardians = list(person.guardians.all())
        assert 1 <= len(guardians) <= 2
        for guardian in guardians:
            assert guardian.relation in {"mother", "father", "parent"}
            assert guardian.phone and guardian.name
            assert guardian.organisation_id == person.organisation_id


@pytest.mark.django_db
def test_it_writes_one_change_log_row_for_the_whole_load(demo_world):
    # People, cases and measures are written in bulk; only the KAA lists, last year's
    # grant report and the referrals between organisations go through the real actions
    # (so they are logged as they would be).
    actions = list(ChangeLog.objects.values_list("action", flat=True))
    assert actions.count("demo.loaded") == 1
    assert {a for a in actions if a != "demo.loaded"} <= {
        "grants.report_created",
        "grants.answers_saved",
        "grants.report_submitted",
        "outreach.list_imported",
        "outreach.assigned",
        "outreach.attempt_logged",
        "outreach.status_set",
        # The referrals to PitStop (losen/demo/exchange.py): sent under a consent, taken
        # in by PitStop into its own records, followed to an exit and its follow-up.
        "consent.given",
        "consent.withdrawn",
        "referral.sent_to_organisation",
        "person.registered",
        "guardian.added",
        "referral.registered",
        "application.created",
        "case.opened",
        "case.state_changed",
        "enrolment.started",
        "enrolment.ended",
        "case.exited",
        "follow_up.planned",
        "follow_up.registered",
        # ... one taken to PitStop's coming team meeting, the attendance PitStop reports
        # month by month, and its status notes (written, and one sent by the team lead).
        "meeting.item_added",
        "attendance.recorded",
        "referral.status_note_written",
        "referral.status_note_sent",
        # The outcome contract UNG i Demo (losen/demo/contracts.py).
        "contract.created",
        "contract.version_added",
        "claim.made",
        "claim.evidence_added",
        "claim.submitted",
        "contract.sample_drawn",
        "contract.sample_checked",
        "claim.verified",
        "claim.rejected",
        "contract.statement_made",
        "claim.paid",
    }


# --- who sees whom ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_outsider_sees_none_of_demo_kommunes_people(demo_world):
    outsider = User.objects.get(email="utenfor@demo.no")
    visible = visible_to(outsider)
    assert visible.exists()
    assert not visible.filter(organisation__name="Demo kommune").exists()
    assert set(visible.values_list("organisation__name", flat=True)) == {"Utenfor AS"}


@pytest.mark.django_db
def test_the_coordinator_sees_ungteams_people_and_not_utenfor_ass(demo_world):
    coordinator = User.objects.get(email="koordinator@demo.no")
    visible = set(visible_to(coordinator).values_list("pk", flat=True))
    followed = set(Follow.objects.filter(team__name="Ungteam").values_list("person_id", flat=True))
    assert len(followed) >= 10
    assert visible == followed
    assert not Person.objects.filter(pk__in=visible, organisation__name="Utenfor AS").exists()
    # Demo kommune's people followed only by Oppfølgingsteam stay hidden from Ungteam.
    assert Person.objects.filter(organisation__name="Demo kommune").exclude(pk__in=visible)


# --- determinism ------------------------------------------------------------------------


def test_the_same_seed_generates_the_same_people_and_another_seed_others():
    first = list(demo.generate_people(200, seed=SEED, today=TODAY))
    again = list(demo.generate_people(200, seed=SEED, today=TODAY))
    other = list(demo.generate_people(200, seed=SEED + 1, today=TODAY))
    assert first == again
    assert [(p.first_name, p.last_name, p.birth_date) for p in first] != [
        (p.first_name, p.last_name, p.birth_date) for p in other
    ]


@pytest.mark.django_db
def test_loading_again_with_reset_and_the_same_seed_gives_the_same_people(demo_world):
    before = signature()
    load(reset=True)
    assert signature() == before
    load(reset=True, seed=SEED + 1)
    assert signature() != before
    assert generated_people().count() == YOUTHS


# --- running it twice -------------------------------------------------------------------


@pytest.mark.django_db
def test_running_again_without_reset_fails_with_status_3_and_creates_nothing(demo_world):
    before = counts()
    with pytest.raises(CommandError) as raised:
        load()
    assert raised.value.returncode == 3
    assert "already loaded" in str(raised.value)
    assert "--reset" in str(raised.value)
    assert counts() == before


@pytest.mark.django_db
def test_it_also_refuses_when_only_a_demo_user_is_left_over(db):
    User.objects.create_user("koordinator@demo.no", "x")
    with pytest.raises(CommandError) as raised:
        load()
    assert raised.value.returncode == 3
    assert "koordinator@demo.no" in str(raised.value)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_reset_removes_the_old_world_with_its_audit_rows_and_leaves_other_data(demo_world):
    other = Organisation.objects.create(
        name="Annen kommune", kind="municipality", country="NO", org_number="974760673"
    )
    other_user = User.objects.create_user("annen@example.no", "x")
    coordinator = User.objects.get(email="koordinator@demo.no")
    person = visible_to(coordinator).first()
    get_person_for(coordinator, person.pk, Purpose.FOLLOW_UP)  # writes an access-log row
    assert AccessLog.objects.filter(person_id=person.pk).exists()

    load(reset=True, youths=20)

    assert not AccessLog.objects.filter(person_id=person.pk).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert generated_people().count() == 20
    assert Organisation.objects.filter(name="Demo kommune").count() == 1
    assert User.objects.filter(email="koordinator@demo.no").count() == 1
    assert Organisation.objects.filter(pk=other.pk).exists()
    assert User.objects.filter(pk=other_user.pk).exists()


@pytest.mark.django_db
def test_it_refuses_to_run_where_synthetic_numbers_are_not_allowed(settings):
    settings.LOSEN_ALLOW_SYNTHETIC_IDS = False
    with pytest.raises(CommandError) as raised:
        load()
    assert raised.value.returncode == 1
    assert "LOSEN_ALLOW_SYNTHETIC_IDS" in str(raised.value)
    assert not Organisation.objects.exists()


# --- the generator ----------------------------------------------------------------------


def test_every_generated_identity_number_is_valid_unique_and_fits_the_birth_date():
    people = list(demo.generate_people(3000, seed=3, today=TODAY))
    numbers = [p.id_number for p in people if p.id_number]
    assert 0.8 * len(people) <= len(numbers) <= 0.9 * len(people)
    assert len(set(numbers)) == len(numbers)
    for person in people:
        if not person.id_number:
            continue
        number = parse_identity_number(person.id_number, allow_synthetic=True, today=TODAY)
        assert number.country == person.country
        assert number.birth_date == person.birth_date


def test_swedish_demo_people_get_skatteverkets_test_personnummer_only():
    published = set(skatteverket_test_numbers())
    people = list(demo.generate_people(2000, seed=4, today=TODAY))
    swedish = [p for p in people if p.country == "SE" and p.id_number]
    assert len(swedish) > 300
    assert {p.id_number for p in swedish} <= published
    for person in swedish:
        assert 15 <= age_on(person.birth_date, TODAY) <= 29


def test_the_test_numbers_file_holds_valid_personnummer_for_their_birth_dates():
    numbers = skatteverket_test_numbers()
    assert len(numbers) == len(set(numbers)) > 2000
    for value in numbers:
        number = parse_identity_number(value, today=TODAY)
        assert number.country == "SE"
        assert number.birth_date == datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def test_when_the_test_numbers_run_out_swedish_people_have_none_rather_than_a_made_up_one():
    people = list(demo.generate_people(20000, seed=5, today=TODAY))
    swedish = [p for p in people if p.country == "SE"]
    with_number = [p for p in swedish if p.id_number]
    assert len(with_number) <= len(skatteverket_test_numbers())
    assert len(with_number) < 0.85 * len(swedish)
    assert {p.id_number for p in with_number} <= set(skatteverket_test_numbers())


def test_the_people_are_spread_over_the_organisations_as_planned():
    people = list(demo.generate_people(2000, seed=1, today=TODAY))
    share = {
        org.key: sum(p.organisation == org.key for p in people) / len(people)
        for org in demo.ORGANISATIONS
    }
    assert share == pytest.approx(
        {"kommune": 0.45, "nav": 0.15, "pitstop": 0.15, "kommun": 0.20, "utenfor": 0.05},
        abs=0.01,
    )
    kommune = [p.teams for p in people if p.organisation == "kommune"]
    ung_only = kommune.count(("Ungteam",))
    other_only = kommune.count(("Oppfølgingsteam",))
    both = kommune.count(("Ungteam", "Oppfølgingsteam"))
    assert ung_only > other_only > both > 0


@pytest.mark.parametrize("youths", [20, 21, 25, 33, 40, 57, 100])
def test_from_twenty_people_on_ungteam_follows_ten_and_utenforteamet_one(youths):
    people = list(demo.generate_people(youths, seed=youths, today=TODAY))
    assert len(people) == youths
    assert sum("Ungteam" in p.teams for p in people) >= 10
    assert sum("Utenforteamet" in p.teams for p in people) >= 1


def test_the_people_are_15_to_29_and_only_minors_have_guardians():
    for person in demo.generate_people(1000, seed=5, today=TODAY):
        age = age_on(person.birth_date, TODAY)
        assert 15 <= age <= 29
        assert bool(person.guardians) == (age < 18)
        domain = "example.se" if person.country == "SE" else "example.no"
        assert not person.email or person.email.endswith("@" + domain)
        prefix = "+46 7" if person.country == "SE" else "+47 "
        assert not person.phone or person.phone.startswith(prefix)


def test_swedish_people_have_swedish_names_and_norwegian_people_norwegian_ones():
    people = list(demo.generate_people(1000, seed=2, today=TODAY))
    swedish = [p for p in people if p.country == "SE"]
    norwegian = [p for p in people if p.country == "NO"]
    assert {p.last_name for p in swedish} & set(SWEDISH.last)
    assert not {p.last_name for p in swedish} & set(NORWEGIAN.last) - set(SWEDISH.last)
    assert not {p.last_name for p in norwegian} & set(SWEDISH.last) - set(NORWEGIAN.last)
    assert {p.preferred_language for p in swedish} >= {"sv"}
    assert "sv" not in {p.preferred_language for p in norwegian}


@pytest.mark.django_db
def test_the_swedish_municipality_works_in_swedish_and_the_others_follow_the_browser():
    load(youths=10)
    languages = dict(Organisation.objects.values_list("name", "default_language"))
    assert languages["Demo kommun"] == "sv"
    assert {name for name, language in languages.items() if language} == {"Demo kommun"}
