"""The catalogue's pages: the search, a listing, a reported measure, and publishing.

Everyone logged in searches and reads the catalogue. Those who define an organisation's
measures publish them, change their listings and withdraw them (everyone else: 404).
The search answers htmx with the results only, so they follow the form as it is typed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.catalogue import actions, queries
from losen.catalogue.forms import ListingForm, SearchForm
from losen.catalogue.models import Listing
from losen.lib.errors import StaleEdit
from losen.submissions.once import once_per_submission

# Found listings shown at once; more asks for other words.
LISTINGS_SHOWN = 50


@login_required
@require_GET
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    search = form.search() if request.GET else queries.Search()
    found = queries.search_listings(request.user, search)
    listings = list(found[: LISTINGS_SHOWN + 1])
    more = len(listings) > LISTINGS_SHOWN
    listings = listings[:LISTINGS_SHOWN]
    places = queries.places_for(request.user, listings)
    reported = Paginator(queries.search_reported(request.user, search), settings.LOSEN_PAGE_SIZE)
    context = {
        "form": form,
        "search": search,
        "listings": [(listing, places[listing.pk]) for listing in listings],
        "more_listings": more,
        "reported": reported.get_page(request.GET.get("page")),
        "can_publish": queries.publishable_measures(request.user).exists(),
        "query_string": _query_without_page(request),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "catalogue/_results.html", context)
    return render(request, "catalogue/catalogue.html", context)


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def listing_detail(request: AuthenticatedHttpRequest, listing_id: int) -> HttpResponse:
    listing = queries.get_listing_for(request.user, listing_id)
    return render(
        request,
        "catalogue/listing.html",
        {
            "listing": listing,
            "measure": listing.measure,
            "places": queries.places_for(request.user, [listing])[listing.pk],
            "figures": queries.figures_of(listing, timezone.localdate()),
            "can_manage": listing.organisation_id in queries.managed_org_ids(request.user),
        },
    )


@login_required
@require_GET
def reported_detail(request: AuthenticatedHttpRequest, reported_id: int) -> HttpResponse:
    reported = queries.get_reported_for(request.user, reported_id)
    return render(request, "catalogue/reported.html", {"reported": reported})


@login_required
@require_GET
def our_listings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The measures the actor may publish, in the catalogue or not yet."""
    return render(
        request,
        "catalogue/ours.html",
        {"measures": list(queries.publishable_measures(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def listing_new(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    measure = queries.get_measure_to_publish(request.user, measure_id)
    if hasattr(measure, "listing"):
        messages.info(request, _("The measure is in the catalogue already."))
        return redirect("catalogue:listing_edit", listing_id=measure.listing.pk)
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = actions.do_publish_measure(request.user, measure, **form.listing_fields())
        except actions.AlreadyListed:
            messages.info(request, _("The measure is in the catalogue already."))
            return redirect("catalogue:ours")
        messages.success(request, _("The measure is in the catalogue."))
        return redirect("catalogue:listing", listing_id=listing.pk)
    return render(request, "catalogue/listing_form.html", {"form": form, "measure": measure})


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: AuthenticatedHttpRequest, listing_id: int) -> HttpResponse:
    listing = queries.get_listing_to_manage(request.user, listing_id)
    form = ListingForm(
        request.POST or None,
        instance=Listing.objects.get(pk=listing.pk),
        initial={"version": listing.version},
    )
    conflict: Listing | None = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_listing(
                request.user,
                listing,
                expected_version=form.cleaned_data["version"] or 0,
                **form.listing_fields(),
            )
        except StaleEdit as exc:
            conflict = exc.current
            form.add_error(
                None,
                _(
                    "Someone else saved the listing while you were editing it. Your changes "
                    "are not saved. Compare with the saved listing below, then save again "
                    "if yours should win."
                ),
            )
            data = request.POST.copy()
            data["version"] = str(conflict.version if conflict else 0)
            form.data = data
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("catalogue:listing", listing_id=listing.pk)
    return render(
        request,
        "catalogue/listing_form.html",
        {"form": form, "measure": listing.measure, "listing": listing, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_withdraw(request: AuthenticatedHttpRequest, listing_id: int) -> HttpResponse:
    listing = queries.get_listing_to_manage(request.user, listing_id)
    if request.method == "POST":
        actions.do_withdraw_listing(request.user, listing)
        messages.success(request, _("The measure is no longer in the catalogue."))
        return redirect("catalogue:ours")
    return render(request, "catalogue/listing_withdraw.html", {"listing": listing})
