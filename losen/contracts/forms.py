"""The forms of the contract pages: a contract from its file, and the verifier's rejection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.contracts.models import ClaimState, Evidence, LedgerEntry
from losen.lib.documents import ACCEPT, check_document
from losen.lib.forms import DATE_INPUT

MAX_FILE_BYTES = 1_000_000


class ContractFileForm(forms.Form):
    file = forms.FileField(
        label=_("The contract as a JSON file"),
        help_text=_(
            "Parties, period, caps, eligibility and the rate card, in the shape the "
            "README describes. A file with a problem is refused, and nothing is made."
        ),
    )

    def __init__(self, *args: Any, payers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payers = payers

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large for a contract."))
        return upload


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the claim is rejected"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State of the claim"),
        required=False,
        choices=[("", _("All"))] + list(ClaimState.choices),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=Evidence.Kind.choices)
    description = forms.CharField(
        label=_("What it shows"), widget=forms.Textarea(attrs={"rows": 2})
    )
    obtained_on = forms.DateField(label=_("Obtained"), widget=DATE_INPUT)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    employer = forms.CharField(label=_("Employer or school"), required=False, max_length=200)
    employer_number = forms.CharField(
        label=_("Its organisation number"), required=False, max_length=20
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        return None if not document else check_document(document)

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") == Evidence.Kind.DOCUMENT and not data.get("document"):
            self.add_error("document", _("Evidence of this kind is a document: upload it."))
        return data


class SampleForm(forms.Form):
    size = forms.IntegerField(label=_("How many claims to draw"), min_value=1, max_value=500)


class SampleResultForm(forms.Form):
    result = forms.CharField(
        label=_("What the check found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StatementForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("To"), widget=DATE_INPUT)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class LedgerEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LedgerEntry.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    amount = forms.IntegerField(label=_("Amount"), min_value=1)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
