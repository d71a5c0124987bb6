"""Last year's NAV grant report of the demo: written and submitted, to start this year's from.

The team lead of Ungteam (Demo kommune) reported on "Individuell oppfølging" for last
year through the grant report actions, as in use (so it shows as submitted on the day
the demo was loaded); this year's report then starts from its answers
(losen.grants.queries.last_years_version).
"""

from __future__ import annotations

import datetime

from losen.accounts.models import Organisation, User
from losen.grants import actions
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import counties_for
from losen.programs.models import Measure

MEASURE = "Individuell oppfølging"
REPORTER = "leder@demo.no"


def answers(year: int, measure: Measure, reporter: User) -> dict:
    return {
        "measure_name": measure.name,
        "nav_office": "NAV Demo",
        "contact_email": reporter.email,
        "county": "Buskerud" if "Buskerud" in counties_for(year) else "Viken",
        "start_date": f"{year - 2}-08-15",
        "target_group": "Unge 16–29 år i Demo kommune som står utenfor skole og arbeid.",
        "measure_description": (
            "Tett individuell oppfølging av en fast koordinator, kartlegging, tiltaksplan med "
            "mål og samarbeid med NAV, skole og arbeidsgivere."
        ),
        "development": "Felles inntaksmøte hver uke for Ungteam, NAV og oppfølgingstjenesten.",
        "act_sections": {"selected": ["s1", "s20a"], "other": ""},
        "interest_from_others": {
            "answer": "yes",
            "text": "Nabokommunene har bedt om en omvisning.",
        },
        "trial_elsewhere": {"answer": "no", "text": ""},
        "collaboration": {"answer": "yes", "text": "NAV Demo og oppfølgingstjenesten i fylket."},
        "achievements": "Flere fullførte tiltaksplanen og gikk over til skole eller arbeid.",
        "goal_assessment": "Kartleggingene før og etter, og sluttstatus ved avslutning.",
        "challenges": "Å holde kontakten med de som ikke svarer på telefon eller SMS.",
        "success_factors": "Én fast koordinator og korte veier til NAV-veilederen.",
        "continuation": {"answer": "yes", "text": "Tiltaket videreføres i ordinær drift."},
    }


def load_grant_report(organisations: dict[str, Organisation], today: datetime.date) -> int:
    """Write and submit last year's status report; 0 when the measure or lead is missing."""
    measure = Measure.objects.filter(organisation=organisations["kommune"], name=MEASURE).first()
    reporter = User.objects.filter(email=REPORTER).first()
    if measure is None or reporter is None:
        return 0
    year = today.year - 1
    report = actions.do_create_grant_report(
        reporter, measure, year=year, kind=GrantReport.Kind.STATUS
    )
    version = actions.do_save_grant_answers(
        reporter, report, expected_version=0, answers=answers(year, measure, reporter)
    )
    actions.do_submit_grant_report(
        reporter, report, expected_version=version.number, with_costs=True
    )
    return 1


def delete_grant_reports(org_ids: list[int]) -> None:
    """The demo organisations' grant reports (a newer one may start from an older one)."""
    reports = GrantReport.objects.filter(organisation_id__in=org_ids)
    reports.update(started_from=None)
    GrantReportVersion.objects.filter(report__in=reports).delete()
    reports.delete()
