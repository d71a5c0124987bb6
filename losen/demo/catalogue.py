"""The demo's catalogue: PitStop's six steps, Drammen's "Klart jeg kan" and Demo kommun's
study coaching (an offer like Plug In's), beside the 143 reported NAV measures that every
installation has (losen/catalogue/reported.py).

Part of the follow-up chain (losen/demo/chain.py), right after the measures are made.
"""

from __future__ import annotations

from losen.catalogue.actions import listing_words
from losen.catalogue.models import Listing, ReportedMeasure
from losen.catalogue.reported import load_reported
from losen.programs.models import Measure

PITSTOP_REFERRAL = (
    "Ring eller skriv til PitStop Demo (pitstop@demo.no). NAV, kommunen, fylkets "
    "oppfølgingstjeneste og pårørende kan henvise; den unge kan også ta kontakt selv. "
    "Henvisningen skal si hva den unge ønsker hjelp til, og den unge (og foresatte under "
    "18 år) må samtykke til at opplysningene deles med PitStop."
)
PITSTOP = {
    "Brobygger": (
        "Unge 16–29 år som ikke er i skole, arbeid eller annen aktivitet, og som ikke vil "
        "eller klarer å møte opp noe sted ennå.",
        16,
        29,
        "En fast voksen oppsøker den unge hjemme eller der den unge er, og bygger tillit "
        "før neste trinn.",
    ),
    "Hangout": (
        "Unge 16–29 år som trenger et sted å være sammen med andre, uten krav.",
        16,
        29,
        "Et åpent treffsted to ettermiddager i uka med mat, spill og samtaler.",
    ),
    "Restart": (
        "Unge 16–29 år som vil finne ut hva de vil og kan: skole, arbeid eller noe annet.",
        16,
        29,
        "Avklaring i gruppe og en til en i 13 uker: interesser, helse, økonomi, mål.",
    ),
    "Klar-Ferdig-Gå": (
        "Unge 16–29 år som er klare for å prøve seg i skole eller arbeid.",
        16,
        29,
        "Kvalifisering i 26 uker: kurs, praksis og tett oppfølging mot jobb eller skole.",
    ),
    "Spisevenn": (
        "Unge 18–29 år som vil ha arbeidstrening med mennesker.",
        18,
        29,
        "Arbeidstrening som måltidsvenn for eldre, med en fast veileder.",
    ),
    "Eldrevenn": (
        "Unge 18–29 år som vil ha arbeidstrening i eldreomsorgen.",
        18,
        29,
        "Arbeidstrening som besøksvenn for eldre, med en fast veileder.",
    ),
}
KLART_JEG_KAN = (
    "Unge 16–25 år som står utenfor skole og arbeid og vil styrke troen på egen mestring.",
    16,
    25,
    "Kognitivt kurs i åtte samlinger over fire uker (to i uka), med en samling til en "
    "måned senere. Bygger på 'Klart jeg kan', mestringskurs for unge.",
    "Ungteamet i Drammen tar imot henvisninger fra NAV, skolen, fylkets "
    "oppfølgingstjeneste og helsetjenesten: skriv til ungteam@demo.no.",
)
STUDY_COACHING = (
    "Unga 16–20 år som har avbrutit gymnasiet eller riskerar att göra det.",
    16,
    20,
    "En studiecoach och ett lärcentrum: den unga läser i egen takt med stöd, tills hen "
    "kan gå tillbaka till gymnasiet eller börja på komvux (som Plug In).",
    "Anmälan görs av skolan, Arbetsförmedlingen eller socialtjänsten tillsammans med den "
    "unga och, under 18 år, vårdnadshavare: kontakta KAA-teamet (kaa@demo.no).",
)


def publish_demo_listings(measures: dict[str, list[Measure]]) -> list[Listing]:
    load_reported(ReportedMeasure)  # there from the migration, unless the tables were emptied
    listings = []
    for measure in measures["pitstop"]:
        target, low, high, method = PITSTOP[measure.name]
        listings.append(
            Listing(
                measure=measure,
                target_group=target,
                min_age=low,
                max_age=high,
                method=method,
                municipality="Drammen, Lier",
                county="Buskerud",
                how_to_refer=PITSTOP_REFERRAL,
            )
        )
    course = next(m for m in measures["kommune"] if m.name == "Klart jeg kan")
    target, low, high, method, refer = KLART_JEG_KAN
    listings.append(
        Listing(
            measure=course,
            target_group=target,
            min_age=low,
            max_age=high,
            method=method,
            municipality="Drammen",
            county="Buskerud",
            how_to_refer=refer,
        )
    )
    target, low, high, method, refer = STUDY_COACHING
    listings.append(
        Listing(
            measure=measures["kommun"][0],
            target_group=target,
            min_age=low,
            max_age=high,
            method=method,
            municipality="Demo kommun",
            county="Stockholms län",
            how_to_refer=refer,
        )
    )
    for listing in listings:
        listing.organisation = listing.measure.organisation
        listing.search_text = listing_words(listing)
    return Listing.objects.bulk_create(listings)
