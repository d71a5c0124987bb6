"""Counts by status at a cut-off date can be made again later with the same figures."""

from __future__ import annotations

import datetime

from django.utils import timezone

from losen.outreach.actions.ladder import do_set_status
from losen.outreach.counts import status_counts
from losen.outreach.models import TargetEntry

JAN = datetime.date(2026, 1, 10)
FEB_CUTOFF = datetime.date(2026, 2, 15)
JUN_CUTOFF = datetime.date(2026, 6, 15)


def test_cutoff_counts_are_reproducible_after_later_status_changes(
    import_list, fnr, coordinator, municipality
):
    births = [datetime.date(2007, 1, 1) + datetime.timedelta(days=40 * i) for i in range(6)]
    import_list(
        [
            {"identity_number": fnr(b, i), "first_name": f"U{i}", "last_name": "X"}
            for i, b in enumerate(births)
        ],
        received_on=JAN,
    )
    entries = list(TargetEntry.objects.order_by("id"))
    do_set_status(coordinator, entries[0], code="OTOV", effective_on=datetime.date(2026, 2, 1))
    do_set_status(coordinator, entries[1], code="OTAR", effective_on=datetime.date(2026, 2, 3))
    reported_at = timezone.now()
    february = status_counts(municipality.pk, "ot", FEB_CUTOFF, known_at=reported_at)
    assert february == {"OTUK": 4, "OTOV": 1, "OTAR": 1}

    # Later: a change after the cut-off, and one back-dated to before it.
    do_set_status(coordinator, entries[2], code="OTEV", effective_on=datetime.date(2026, 3, 1))
    do_set_status(coordinator, entries[3], code="OTLL", effective_on=datetime.date(2026, 2, 10))
    entries[4].refresh_from_db()
    # and a later list without one of them
    import_list(
        [
            {"identity_number": fnr(b, i), "first_name": f"U{i}", "last_name": "X"}
            for i, b in enumerate(births)
            if i != 5
        ],
        received_on=datetime.date(2026, 3, 1),
    )

    assert status_counts(municipality.pk, "ot", FEB_CUTOFF, known_at=reported_at) == february
    assert status_counts(municipality.pk, "ot", FEB_CUTOFF) == {
        "OTUK": 3,
        "OTOV": 1,
        "OTAR": 1,
        "OTLL": 1,
    }
    june = status_counts(municipality.pk, "ot", JUN_CUTOFF)
    assert sum(june.values()) == 5
    assert june["OTEV"] == 1
