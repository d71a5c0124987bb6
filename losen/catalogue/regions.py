"""Where a measure is offered: Norway's counties (from 2024) and Sweden's counties (län).

The reported NAV measures keep the county their office was in when they reported (2022:
Viken, Vestfold og Telemark, Troms og Finnmark); the search offers every county that
some row of the catalogue names, so both are found.
"""

NORWEGIAN_COUNTIES = (
    "Agder",
    "Akershus",
    "Buskerud",
    "Finnmark",
    "Innlandet",
    "Møre og Romsdal",
    "Nordland",
    "Oslo",
    "Rogaland",
    "Telemark",
    "Troms",
    "Trøndelag",
    "Vestfold",
    "Vestland",
    "Østfold",
)
SWEDISH_COUNTIES = (
    "Blekinge län",
    "Dalarnas län",
    "Gotlands län",
    "Gävleborgs län",
    "Hallands län",
    "Jämtlands län",
    "Jönköpings län",
    "Kalmar län",
    "Kronobergs län",
    "Norrbottens län",
    "Skåne län",
    "Stockholms län",
    "Södermanlands län",
    "Uppsala län",
    "Värmlands län",
    "Västerbottens län",
    "Västernorrlands län",
    "Västmanlands län",
    "Västra Götalands län",
    "Örebro län",
    "Östergötlands län",
)
COUNTIES = {"NO": NORWEGIAN_COUNTIES, "SE": SWEDISH_COUNTIES}
