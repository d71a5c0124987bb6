"""The forms of the contract pages: a contract from its file, and the verifier's rejection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.contracts.models import ClaimState

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
        label=_("State"), required=False, choices=[("", _("All"))] + list(ClaimState.choices)
    )
