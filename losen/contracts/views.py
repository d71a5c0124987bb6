"""The outcome contract pages: the list, a contract's terms and figures, its claims (the
provider submits, the payer's verifiers verify or reject), and a contract from its file."""

from __future__ import annotations

import json
import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.contracts import actions, queries
from losen.contracts.contract_file import ContractFileError, read_contract
from losen.contracts.exporters import StatementExport
from losen.contracts.forms import (
    ClaimFilterForm,
    ContractFileForm,
    EvidenceForm,
    LedgerEntryForm,
    PaidForm,
    RejectForm,
    SampleForm,
    SampleResultForm,
    StatementForm,
)
from losen.contracts.indigo import indigo
from losen.contracts.models import SETTLED, ClaimState
from losen.lib.charts import Series, month_chart
from losen.lib.errors import NotAllowed
from losen.lib.exporters import csv_response, pdf_response
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
    today = timezone.localdate()
    suppressed = not actions.can_submit(request.user, contract)
    months = queries.months_of(
        claims,
        list(contract.statements.all()),
        versions[-1].cap_total,
        today,
        suppressed=suppressed,
    )
    return render(
        request,
        "contracts/detail.html",
        {
            "value": queries.value_of(
                contract,
                claims,
                versions[-1],
                suppressed=suppressed,
            ),
            "months": months,
            "chart": _chart(contract, months) if months else "",
            "contract": contract,
            "versions": versions,
            "current": versions[-1],
            "totals": queries.totals(claims),
            "sees_claims": queries.sees_claims(request.user, contract),
            "sees_statements": actions.can_pay(request.user, contract)
            or actions.can_submit(request.user, contract),
            "may_sample": actions.can_verify(request.user, contract),
        },
    )


def _chart(contract, months: list[queries.Month]) -> str:
    return month_chart(
        [m.month for m in months],
        title=_("Claims, verified and paid, cumulative"),
        description=_(
            "The amounts of the claims made, verified and paid under %(name)s, added up "
            "month by month. The same figures are in the table below."
        )
        % {"name": contract.name},
        series=[
            Series(_("Claimed"), [m.cumulative_made for m in months]),
            Series(_("Verified"), [m.cumulative_verified for m in months]),
            Series(_("Paid"), [m.cumulative_paid for m in months]),
        ],
        chart_id="contract-chart",
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
    # What waits for the reader first: the pending claims for the provider, the
    # submitted ones for the verifier; then the rest, newest first.
    waiting = (
        ClaimState.SUBMITTED if actions.can_verify(request.user, contract) else ClaimState.PENDING
    )
    claims.sort(key=lambda c: c.achieved_on, reverse=True)
    claims.sort(key=lambda c: c.state != waiting)
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


@login_required
@require_GET
def claim_detail(
    request: AuthenticatedHttpRequest, contract_id: int, claim_id: int
) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    row = queries.get_claim_for(request.user, contract, claim_id)
    evidence = list(row.claim.evidence.select_related("obtained_by"))
    return render(
        request,
        "contracts/claim.html",
        _claim_context(request, contract, row, evidence, EvidenceForm()),
    )


def _claim_context(request, contract, row, evidence, form) -> dict:
    return {
        "contract": contract,
        "row": row,
        "claim": row.claim,
        "evidence": [(e, actions.employed_by_provider(e, contract)) for e in evidence],
        "form": form,
        "may_add": actions.can_submit(request.user, contract) and row.claim.state not in SETTLED,
        "may_verify": actions.can_verify(request.user, contract)
        and row.claim.state == ClaimState.SUBMITTED,
        "reject_form": RejectForm(),
    }


@login_required
@require_POST
@once_per_submission
def evidence_add(
    request: AuthenticatedHttpRequest, contract_id: int, claim_id: int
) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    row = queries.get_claim_for(request.user, contract, claim_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_evidence(
                request.user,
                row.claim,
                kind=data["kind"],
                description=data["description"],
                obtained_on=data["obtained_on"],
                document=data["document"],
                employer=data["employer"],
                employer_number=data["employer_number"],
            )
        except NotAllowed:
            raise Http404("Only the provider's leads add evidence.") from None
        except actions.NotSubmittable:
            messages.info(request, _("The claim is settled: its evidence stays as it was."))
            return redirect("contracts:claim", contract_id=contract.pk, claim_id=row.claim.pk)
        except ValueError:
            form.add_error("obtained_on", _("The date cannot be in the future."))
        else:
            messages.success(request, _("The evidence is added to the claim."))
            return redirect("contracts:claim", contract_id=contract.pk, claim_id=row.claim.pk)
    evidence = list(row.claim.evidence.select_related("obtained_by"))
    return render(
        request,
        "contracts/claim.html",
        _claim_context(request, contract, row, evidence, form),
        status=400,
    )


@login_required
@require_GET
def evidence_document(
    request: AuthenticatedHttpRequest, contract_id: int, claim_id: int, evidence_id: int
) -> FileResponse:
    """The evidence's document, only through this door, its read in the access log."""
    contract = queries.get_contract_for(request.user, contract_id)
    row = queries.get_claim_for(request.user, contract, claim_id)
    found = row.claim.evidence.filter(pk=evidence_id).first()
    if found is None or not found.document:
        raise Http404("No such document.")
    queries.log_claims_read(request.user, contract, [row.claim], what="claim_evidence")
    extension = PurePath(found.document.name).suffix.lower()
    response = FileResponse(
        found.document.open("rb"),
        as_attachment=True,
        filename=f"evidence-{row.claim.pk}-{found.pk}{extension}",
        content_type=mimetypes.types_map.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def samples(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    if not actions.can_verify(request.user, contract):
        raise Http404("Only the payer's verifiers draw samples.")
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = actions.do_draw_sample(request.user, contract, size=form.cleaned_data["size"])
        except actions.NotSubmittable:
            form.add_error("size", _("No claim is submitted: there is nothing to draw from."))
        else:
            messages.success(
                request, _("%(count)s claims are drawn to check.") % {"count": sample.size}
            )
            return redirect("contracts:sample", contract_id=contract.pk, sample_id=sample.pk)
    return render(
        request,
        "contracts/samples.html",
        {"contract": contract, "form": form, "samples": list(contract.samples.all())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_detail(
    request: AuthenticatedHttpRequest, contract_id: int, sample_id: int
) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    sample = contract.samples.filter(pk=sample_id).first()
    if sample is None or not actions.can_verify(request.user, contract):
        raise Http404("No such sample.")
    form = SampleResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_sample_result(
                request.user, sample, result=form.cleaned_data["result"]
            )
        except actions.NotSubmittable:
            messages.info(request, _("The sample's result is recorded already."))
        else:
            messages.success(request, _("The result of the check is recorded."))
        return redirect("contracts:sample", contract_id=contract.pk, sample_id=sample.pk)
    rows = queries.claims_for(request.user, contract, list(sample.claims.order_by("pk")))
    return render(
        request,
        "contracts/sample.html",
        {"contract": contract, "sample": sample, "rows": rows, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def statements(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = queries.get_contract_for(request.user, contract_id)
    found = list(queries.statements_for(request.user, contract))
    may_pay = actions.can_pay(request.user, contract)
    form = StatementForm(request.POST or None)
    if request.method == "POST":
        if not may_pay:
            raise Http404("Only the payer makes statements.")
        if form.is_valid():
            try:
                statement = actions.do_make_statement(
                    request.user,
                    contract,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except actions.NothingToPay:
                form.add_error(None, _("No verified claim waits for payment in the period."))
            except ValueError:
                form.add_error("ends_on", _("A statement covers a period that is over."))
            else:
                messages.success(request, _("The payment statement is made."))
                return redirect(
                    "contracts:statement", contract_id=contract.pk, statement_id=statement.pk
                )
    return render(
        request,
        "contracts/statements.html",
        {"contract": contract, "statements": found, "form": form, "may_pay": may_pay},
    )


def _statement_of(request: AuthenticatedHttpRequest, contract_id: int, statement_id: int):
    contract = queries.get_contract_for(request.user, contract_id)
    statement = queries.statements_for(request.user, contract).filter(pk=statement_id).first()
    if statement is None:
        raise Http404("No such statement.")
    return contract, statement


@login_required
@require_http_methods(["GET", "POST"])
def statement_detail(
    request: AuthenticatedHttpRequest, contract_id: int, statement_id: int
) -> HttpResponse:
    contract, statement = _statement_of(request, contract_id, statement_id)
    may_pay = actions.can_pay(request.user, contract) and statement.paid_on is None
    form = PaidForm(request.POST or None)
    if request.method == "POST":
        if not may_pay:
            raise Http404("Only the payer settles its statements.")
        if form.is_valid():
            try:
                actions.do_mark_paid(
                    request.user,
                    statement,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                )
            except actions.NotSubmittable:
                messages.info(request, _("The statement is paid already."))
            except ValueError:
                form.add_error("paid_on", _("A statement is paid after its period, by today."))
            else:
                messages.success(request, _("The statement is marked paid."))
                return redirect(
                    "contracts:statement", contract_id=contract.pk, statement_id=statement.pk
                )
    exporter = StatementExport(contract, statement)
    return render(
        request,
        "contracts/statement.html",
        {
            "contract": contract,
            "statement": statement,
            "header": exporter.header(),
            "rows": list(exporter.rows()),
            "form": form,
            "may_pay": may_pay,
        },
    )


@login_required
@require_GET
def statement_file(
    request: AuthenticatedHttpRequest, contract_id: int, statement_id: int, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    contract, statement = _statement_of(request, contract_id, statement_id)
    exporter = StatementExport(contract, statement)
    if fmt == "pdf":
        return pdf_response(exporter)
    return csv_response(exporter)


@login_required
@require_GET
def contract_indigo(request: AuthenticatedHttpRequest, contract_id: int) -> JsonResponse:
    """The contract in the INDIGO data standard's shape: figures only, for every party."""
    contract = queries.get_contract_for(request.user, contract_id)
    response = JsonResponse(
        indigo(contract, actions.claims_of(contract)), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="indigo-{contract.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def ledger(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    """Bridge financing: what the investor put in, what the payer paid for outcomes, and
    what the investor got back, against its return cap."""
    contract = queries.get_contract_for(request.user, contract_id)
    may_keep = actions.can_keep_ledger(request.user, contract) and contract.investor_id
    form = LedgerEntryForm(request.POST or None)
    if request.method == "POST":
        if not may_keep:
            raise Http404("Only the parties' administrators keep the ledger.")
        if form.is_valid():
            try:
                actions.do_record_ledger_entry(request.user, contract, **form.cleaned_data)
            except actions.OverReturnCap:
                form.add_error("amount", _("The repayment would go beyond the return cap."))
            except ValueError:
                form.add_error("on", _("The date cannot be in the future."))
            else:
                messages.success(request, _("The entry is in the ledger."))
                return redirect("contracts:ledger", contract_id=contract.pk)
    rows = queries.ledger_of(contract)
    funded = rows[-1].funded if rows else 0
    cap = contract.investor_return_cap
    return render(
        request,
        "contracts/ledger.html",
        {
            "contract": contract,
            "rows": rows,
            "form": form,
            "may_keep": may_keep,
            "most_back": funded * (100 + cap) // 100 if cap is not None else None,
        },
    )
