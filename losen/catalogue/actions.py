"""Every write to the catalogue: a measure published, its listing changed, withdrawn.

Those who define an organisation's measures (losen.programs.queries.can_manage_measures)
publish them. Each write keeps the listing's folded words current and writes its
change-log row; an edit carries the version it started from, and a save after someone
else's is refused (StaleEdit), never overwritten.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.catalogue.models import Listing
from losen.lib.errors import NotAllowed
from losen.lib.search import fold
from losen.lib.versions import save_if_current
from losen.programs.models import Measure
from losen.programs.queries import can_manage_measures

LISTING_FIELDS = (
    "target_group",
    "min_age",
    "max_age",
    "method",
    "municipality",
    "county",
    "how_to_refer",
    "taking_referrals",
)


class AlreadyListed(Exception):
    """The measure is in the catalogue already (one listing per measure)."""


def listing_words(listing: Listing) -> str:
    """The listing's searchable text: its measure's words, its own, the kind in both
    languages (a Norwegian's "arbeidstrening" and a Swede's "arbetsträning" find it)."""
    measure = listing.measure
    kinds = []
    for language in ("nb", "sv", "en"):
        with translation.override(language):
            kinds.append(str(measure.get_kind_display()))
    parts = [
        measure.name,
        measure.description,
        *kinds,
        measure.organisation.name,
        listing.target_group,
        listing.method,
        listing.municipality,
        listing.county,
    ]
    return fold(" ".join(parts))


def _check(actor: User, measure: Measure) -> None:
    if not can_manage_measures(actor, measure.organisation_id):
        raise NotAllowed("Those who define the organisation's measures publish them.")


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(LISTING_FIELDS)
    if unknown:
        raise TypeError(f"Not a listing field: {', '.join(sorted(unknown))}")


@transaction.atomic
def do_publish_measure(actor: User, measure: Measure, **fields: Any) -> Listing:
    """Put the measure in the catalogue; `fields` are those of LISTING_FIELDS."""
    _check(actor, measure)
    _check_fields(fields)
    listing = Listing(organisation=measure.organisation, measure=measure, **fields)
    listing.updated_by = actor
    listing.search_text = listing_words(listing)
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError:
        raise AlreadyListed(measure.pk) from None
    do_log_change(
        actor,
        action="catalogue.published",
        obj=listing,
        organisation_id=measure.organisation_id,
        changed_fields=fields,
    )
    return listing


@transaction.atomic
def do_update_listing(
    actor: User, listing: Listing, *, expected_version: int, **fields: Any
) -> list[str]:
    """Save the changed fields unless someone saved in between; returns the changed names."""
    _check(actor, listing.measure)
    _check_fields(fields)
    edited = copy.copy(listing)  # the listing as it will be, for its words
    for name, value in fields.items():
        setattr(edited, name, value)
    changes = save_if_current(
        listing,
        fields,
        version=expected_version,
        search_text=listing_words(edited),
        updated_by=actor,
        updated_at=timezone.now(),
    )
    if not changes:
        return []
    do_log_change(
        actor,
        action="catalogue.updated",
        obj=listing,
        organisation_id=listing.organisation_id,
        changed_fields=changes,
    )
    return list(changes)


@transaction.atomic
def do_withdraw_listing(actor: User, listing: Listing) -> None:
    """Take the measure out of the catalogue (the measure itself stays)."""
    _check(actor, listing.measure)
    do_log_change(
        actor, action="catalogue.withdrawn", obj=listing, organisation_id=listing.organisation_id
    )
    listing.delete()


def refresh_search_text(sender: type[Measure], instance: Measure, **kwargs: Any) -> None:
    """A measure was saved (renamed, described anew): its listing's words follow."""
    listing = Listing.objects.filter(measure=instance).select_related("measure__organisation")
    for found in listing:
        Listing.objects.filter(pk=found.pk).update(search_text=listing_words(found))
