"""The demo world's reference figures and targets (called by the demo loader).

Reference figures from the seeds: PitStop's cost of 4,500 kr per young person per month
beside NAV measures at 17,000, and PitStop's results 2016–2020 (43 % to work, 31 % to
school, 18 % to other arranged activity). One target per demo organisation, scaled to
the demo's own figures so it reads sensibly whatever the number of young people; the
municipality's is P 1824's ("reduce recipients aged 18–24 by 50 %"), followed by
monthly readings entered by hand.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from losen.accounts.models import Organisation, Team
from losen.cases.models import Case, CaseState
from losen.lib.dates import add_months
from losen.outcomes.models import ExitOutcome
from losen.reports.models import ReferenceFigure, Target, TargetReading

PITSTOP_SOURCE = (
    "PitStop: «For offentlig sektor» (pitstop.no). «PitStop koster kun 4500 kroner per "
    "ungdom per måned. Til sammenligning koster NAV-tiltak 17.000 kroner per ungdom per "
    "måned.»"
)
PITSTOP_RESULTS = (
    "PitStop: «Dokumenterte resultater», pilot i Fjell, Sund, Askøy og Øygarden "
    "2016–2020, 120 ungdommer: kommet i jobb 43 %, tilbake i skole 31 %, annen "
    "tilrettelagt aktivitet 18 %."
)
PITSTOP_URL = "https://www.pitstop.no/"
P1824_SOURCE = (
    "P 1824 Systematisk arbeid med unge sosialhjelpsmottakere, Drammen kommune: "
    "«Redusere antall mottakere av økonomisk sosialhjelp i aldersgruppen 18 til 24 år "
    "med 50 % eller 214 personer innen 31.12.09.»"
)

# (metric, value, label, years, source) per organisation key.
REFERENCES: dict[str, list[tuple[str, int, str, tuple[int, int] | None, str]]] = {
    "kommune": [
        ("cost_per_participant_month", 17000, "NAV-tiltak", None, PITSTOP_SOURCE),
        ("cost_per_participant_month", 4500, "PitStop", None, PITSTOP_SOURCE),
        ("share_work", 43, "PitStop", (2016, 2020), PITSTOP_RESULTS),
        ("share_education", 31, "PitStop", (2016, 2020), PITSTOP_RESULTS),
        ("share_other_activity", 18, "PitStop", (2016, 2020), PITSTOP_RESULTS),
    ],
    "nav": [
        ("cost_per_participant_month", 17000, "NAV-tiltak", None, PITSTOP_SOURCE),
        ("cost_per_participant_month", 4500, "PitStop", None, PITSTOP_SOURCE),
    ],
    "pitstop": [
        ("cost_per_participant_month", 17000, "NAV-tiltak", None, PITSTOP_SOURCE),
        ("share_work", 43, "PitStop-piloten", (2016, 2020), PITSTOP_RESULTS),
        ("share_education", 31, "PitStop-piloten", (2016, 2020), PITSTOP_RESULTS),
        ("share_other_activity", 18, "PitStop-piloten", (2016, 2020), PITSTOP_RESULTS),
    ],
}


def _first_team(teams: dict[tuple[str, str], Team], key: str) -> Team | None:
    found = [team for (org_key, _name), team in teams.items() if org_key == key]
    return found[0] if found else None


def _exits_last_year(team: Team, today: datetime.date, codes: tuple[str, ...]) -> int:
    return ExitOutcome.objects.filter(
        case__team=team,
        exited_on__gt=add_months(today, -12),
        exited_on__lte=today,
        top_code__in=codes,
    ).count()


def load_comparisons(
    *,
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
    today: datetime.date,
) -> tuple[int, int]:
    """The demo's reference figures and targets; returns how many of each were made."""
    figures = [
        ReferenceFigure(
            organisation=organisations[key],
            metric=metric,
            value=Decimal(value),
            label=label,
            year_from=years[0] if years else None,
            year_to=years[1] if years else None,
            source=source,
            url=PITSTOP_URL,
        )
        for key, rows in REFERENCES.items()
        if key in organisations
        for metric, value, label, years, source in rows
    ]
    ReferenceFigure.objects.bulk_create(figures)
    this_year = datetime.date(today.year, 1, 1)
    targets: list[Target] = []
    if "kommune" in organisations:
        targets.append(_p1824(organisations["kommune"], today))
    for key, make in (("nav", _to_work), ("pitstop", _share), ("kommun", _started)):
        team = _first_team(teams, key)
        if key in organisations and team is not None:
            targets.append(make(organisations[key], team, today, this_year))
    team = _first_team(teams, "utenfor")
    if "utenfor" in organisations and team is not None:
        active = Case.objects.filter(team=team, state=CaseState.ACTIVE).count()
        targets.append(
            Target.objects.create(
                organisation=organisations["utenfor"],
                team=team,
                description="Flere i aktivitet: dobbelt så mange aktive innen året er omme",
                metric="active",
                baseline_value=Decimal(active),
                baseline_on=today.replace(day=1),
                target_value=Decimal(max(2 * active, 10)),
                deadline=datetime.date(today.year, 12, 31)
                if today.month < 12
                else datetime.date(today.year + 1, 12, 31),
                source="Styrets vedtak (demo)",
            )
        )
    return len(figures), len(targets)


def _p1824(organisation: Organisation, today: datetime.date) -> Target:
    """Recipients 18–24 from 428 to 214 over two years; readings month by month so far."""
    start = add_months(today.replace(day=1), -15)
    target = Target.objects.create(
        organisation=organisation,
        description="Redusere antall mottakere av økonomisk sosialhjelp 18–24 år med 50 %",
        metric="readings",
        baseline_value=Decimal(428),
        baseline_on=start,
        target_value=Decimal(214),
        deadline=add_months(start, 24) - datetime.timedelta(days=1),
        source=P1824_SOURCE,
    )
    readings = []
    value = 428
    month = start
    while add_months(month, 1) - datetime.timedelta(days=1) <= today:
        # Down by 12 a month, with a bump in the summer (no straight line).
        value -= 12 if month.month not in (6, 7) else -3
        readings.append(
            TargetReading(
                target=target,
                measured_on=add_months(month, 1) - datetime.timedelta(days=1),
                value=Decimal(value),
                note="NAVs månedsstatistikk (demo)",
            )
        )
        month = add_months(month, 1)
    TargetReading.objects.bulk_create(readings)
    return target


def _to_work(
    organisation: Organisation, team: Team, today: datetime.date, this_year: datetime.date
) -> Target:
    last_year = _exits_last_year(team, today, ("work", "education"))
    goal = max(10, math.ceil(last_year * 1.2))
    return Target.objects.create(
        organisation=organisation,
        team=team,
        description=f"{goal} unge ut i arbeid eller utdanning i {this_year.year}",
        metric="exited_work_or_education",
        baseline_value=Decimal(0),
        baseline_on=this_year,
        target_value=Decimal(goal),
        deadline=datetime.date(this_year.year, 12, 31),
        source="Tildelingsbrev (demo)",
    )


def _share(
    organisation: Organisation, team: Team, today: datetime.date, this_year: datetime.date
) -> Target:
    return Target.objects.create(
        organisation=organisation,
        team=team,
        description="8 av 10 tilbake i skole eller arbeid",
        metric="share_work_or_education",
        baseline_value=Decimal(60),
        baseline_on=add_months(today.replace(day=1), -12),
        target_value=Decimal(80),
        deadline=add_months(today.replace(day=1), 12) - datetime.timedelta(days=1),
        source="PitStop: «8 av 10 unge lykkes med å komme tilbake til en aktiv hverdag»",
    )


def _started(
    organisation: Organisation, team: Team, today: datetime.date, this_year: datetime.date
) -> Target:
    return Target.objects.create(
        organisation=organisation,
        team=team,
        description=f"30 unga påbörjar en insats under {this_year.year}",
        metric="started",
        baseline_value=Decimal(0),
        baseline_on=this_year,
        target_value=Decimal(30),
        deadline=datetime.date(this_year.year, 12, 31),
        source="Kommunens verksamhetsplan (demo)",
    )
