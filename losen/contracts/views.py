"""The outcome contract pages: the list, a contract's terms and figures, its claims (the
provider submits, the payer's verifiers verify or reject), and a contract from its file."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.contracts import actions, queries
from losen.contracts.contract_file import ContractFileError, read_contract
from losen.contracts.forms import ClaimFilterForm, ContractFileForm, RejectForm
from losen.contracts.models import ClaimState
from losen.lib.errors import NotAllowed
from losen.submissions.once import once_per_submission


@login_required
@require_GET
def contract_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contracts = list(queries.contracts_visible_to(request.user).order_by("name"))
    return render(
        request,
        "contracts/list.html",
        {"contracts": contracts, "may_import": bool(queries.payer_organisations(request.user))},
    )


@login_required
@require_GET
def contract_detail(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    claims = actions.claims_of(contract)
    versions = list(contract.versions.prefetch_related("outcomes").order_by("number"))
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "versions": versions,
            "current": versions[-1],
            "totals": queries.totals(claims),
            "sees_claims": queries.sees_claims(request.user, contract),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_claims(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    if request.method == "POST":
        try:
            submitted = actions.do_submit_claims(
                request.user,
                contract,
                [int(pk) for pk in request.POST.getlist("claim") if pk.isdigit()],
            )
        except NotAllowed:
            raise Http404("Only the provider's leads submit claims.") from None
        messages.success(
            request, _("%(count)s claims are submitted for verification.") % {"count": submitted}
        )
        return redirect("contracts:claims", contract_id=contract.pk)
    claims = actions.claims_of(contract)
    filters = ClaimFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    if state:
        claims = [c for c in claims if c.state == state]
    rows = queries.claims_for(request.user, contract, claims)
    return render(
        request,
        "contracts/claims.html",
        {
            "contract": contract,
            "rows": rows,
            "filters": filters,
            "may_submit": actions.can_submit(request.user, contract),
            "may_verify": actions.can_verify(request.user, contract),
            "reject_form": RejectForm(),
            "pending": ClaimState.PENDING,
            "submitted": ClaimState.SUBMITTED,
        },
    )


@login_required
@require_POST
def claim_decide(
    request: AuthenticatedHttpRequest, contract_id: int, claim_id: int
) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    claim = contract.claims.filter(pk=claim_id).first()
    if claim is None or not actions.can_verify(request.user, contract):
        raise Http404("No such claim to decide on.")
    try:
        if request.POST.get("decision") == "verify":
            actions.do_verify_claim(request.user, claim)
            messages.success(request, _("The claim is verified."))
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the claim is rejected."))
                return redirect("contracts:claims", contract_id=contract.pk)
            actions.do_reject_claim(request.user, claim, reason=form.cleaned_data["reason"])
            messages.success(request, _("The claim is rejected, with the reason."))
    except actions.NotSubmittable:
        messages.info(request, _("The claim was decided on already."))
    return redirect("contracts:claims", contract_id=contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def contract_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    payers = queries.payer_organisations(request.user)
    if not payers:
        raise Http404("Only administrators of a paying organisation make contracts.")
    form = ContractFileForm(request.POST or None, request.FILES or None, payers=payers)
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            spec = read_contract(json.loads(form.cleaned_data["file"].read().decode("utf-8-sig")))
            if not queries.may_import(request.user, spec.payer):
                problems = [
                    (
                        "payer",
                        _("you are no administrator of %(payer)s") % {"payer": spec.payer.name},
                    )
                ]
            else:
                version = actions.do_import_contract(request.user, spec)
                messages.success(request, _("The contract is made."))
                return redirect("contracts:detail", contract_id=version.contract_id)
        except (UnicodeDecodeError, json.JSONDecodeError):
            problems = [("", _("The file is not JSON."))]
        except ContractFileError as refused:
            problems = refused.problems
        except actions.VersionNotInFuture:
            problems = [("valid_from", _("a new version takes effect today or later"))]
        except NotAllowed:
            problems = [("provider", _("a new version keeps the payer and the provider"))]
    return render(request, "contracts/new.html", {"form": form, "problems": problems})
