"""Referral queue and registration; application, signing and consent on a case."""

from __future__ import annotations

# Under /referrals/ (namespace "referrals").
referral_urlpatterns: list = []
# Under /cases/ (namespace "cases"): /cases/<id>/application/…, /cases/<id>/consents/…
case_urlpatterns: list = []
