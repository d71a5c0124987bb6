"""The two caps, as the rules say: each young person's claims in order of achievement and
the card pay until the cap per person, then the contract's claims until its cap; the
claim that crosses a cap pays what is left, the later ones nothing."""

from __future__ import annotations

import datetime

from losen.contracts.claims import PERSON_CAP, TOTAL_CAP, Share, share_out

DAY = datetime.date(2025, 1, 1)


def share(person, days, position, price, fixed=None) -> Share:
    return Share(
        key=(person, days, position),
        person_id=person,
        achieved_on=DAY + datetime.timedelta(days=days),
        position=position,
        price=price,
        fixed=fixed,
    )


def amounts(shares) -> list[tuple[int, str]]:
    return [(s.amount, s.capped_by) for s in shares]


def test_the_claim_that_crosses_the_cap_per_person_pays_what_is_left():
    shares = [share(1, 0, 1, 5000), share(1, 10, 2, 30000), share(1, 200, 3, 50000)]
    share_out(shares, cap_per_person=60000, cap_total=10**9)
    assert amounts(shares) == [(5000, ""), (30000, ""), (25000, PERSON_CAP)]


def test_later_claims_over_the_cap_pay_nothing_and_say_why():
    shares = [share(1, 0, 1, 50000), share(1, 1, 2, 50000), share(1, 2, 3, 10)]
    share_out(shares, cap_per_person=50000, cap_total=10**9)
    assert amounts(shares) == [(50000, ""), (0, PERSON_CAP), (0, PERSON_CAP)]


def test_on_the_same_day_the_rate_cards_order_decides():
    shares = [share(1, 0, 2, 30000), share(1, 0, 1, 30000)]
    share_out(shares, cap_per_person=40000, cap_total=10**9)
    assert amounts(shares) == [(10000, PERSON_CAP), (30000, "")]


def test_the_contracts_cap_goes_by_date_then_person_then_card():
    shares = [share(2, 0, 1, 100), share(1, 0, 2, 100), share(1, 0, 1, 100), share(3, -1, 1, 100)]
    share_out(shares, cap_per_person=10**9, cap_total=250)
    # Order: (day -1, person 3), (day 0, person 1, card 1), (day 0, person 1, card 2), person 2.
    assert amounts(shares) == [(0, TOTAL_CAP), (50, TOTAL_CAP), (100, ""), (100, "")]


def test_settled_claims_keep_their_amount_and_count_against_both_caps():
    settled = share(1, 50, 1, 5000, fixed=5000)
    shares = [share(1, 0, 2, 30000), settled, share(2, 0, 1, 30000)]
    share_out(shares, cap_per_person=20000, cap_total=30000)
    assert settled.amount == 5000
    # Person 1 has 15000 left after the settled 5000; the contract 25000, in date order.
    assert amounts(shares) == [(15000, PERSON_CAP), (5000, ""), (10000, TOTAL_CAP)]
