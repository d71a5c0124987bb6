"""Forms for the team meeting: calling a meeting, and the decision on an agenda item."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from losen.accounts.models import Team, User
from losen.cases.models import AgendaItem, Decision
from losen.cases.queries import team_members
from losen.cases.queries_meetings import (
    FINAL_DECISIONS,
    Missing,
    earlier_guests,
    item_missing,
    meeting_members,
    normalised_address,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TeamChoiceForm(forms.Form):
    """Which team the new meeting is for (shown only to those in several teams)."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])


class GuestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        organisations = sorted({m.organisation.name for m in obj.memberships.all()})
        return f"{obj.get_full_name()} ({', '.join(organisations)})"


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A meeting room, an address, or a video link."),
    )
    guests = GuestChoiceField(
        label=_("Guests at the team's earlier meetings"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guest_emails = forms.CharField(
        label=_("Invite guests from other organisations by e-mail address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One address per line: the address they log in to Losen with. Each address "
            "is invited; its owner sees the invitation in Losen and joins or declines. "
            "Guests see a young person's name only when the person has consented to "
            "their organisation taking part."
        ),
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        # One checkbox per member of the team, each with its own label; all ticked at first.
        self.members = list(meeting_members(team))
        for user in self.members:
            self.fields[self.member_field(user)] = forms.BooleanField(
                label=user.get_full_name(), required=False, initial=True
            )
        self.fields["guests"].queryset = earlier_guests(team).prefetch_related(
            "memberships__organisation"
        )

    def clean_guest_emails(self) -> list[str]:
        """The addresses typed, each once, as invitations keep them (lower-cased).

        Every address is kept, whether it is a Losen user in another organisation, a
        colleague or no one: the form and the meeting's page answer the same for each,
        so they cannot be used to find out who works where. Only an address that is not
        an e-mail address at all is refused.
        """
        addresses = [a for a in re.split(r"[\s,;]+", self.cleaned_data["guest_emails"]) if a]
        malformed = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                malformed.append(address)
        if malformed:
            raise forms.ValidationError(
                ngettext(
                    "%(addresses)s is not an e-mail address.",
                    "%(addresses)s are not e-mail addresses.",
                    len(malformed),
                )
                % {"addresses": ", ".join(malformed)}
            )
        return list(dict.fromkeys(normalised_address(a) for a in addresses))

    def chosen_guests(self) -> list[User]:
        """The earlier guests ticked: they attend at once."""
        return list(self.cleaned_data.get("guests") or [])

    def invited_addresses(self) -> list[str]:
        return list(self.cleaned_data.get("guest_emails") or [])

    @staticmethod
    def member_field(user: User) -> str:
        return f"member_{user.pk}"

    def member_fields(self) -> list[forms.BoundField]:
        return [self[self.member_field(user)] for user in self.members]

    def chosen_members(self) -> list[User]:
        return [user for user in self.members if self.cleaned_data.get(self.member_field(user))]


def not_ready_message(missing: list[Missing]) -> str:
    """Why only more information can be asked for, naming what is missing."""
    return _("The team can only ask for more information until this is in place: %(missing)s.") % {
        "missing": ", ".join(str(m.label) for m in missing)
    }


class DecisionForm(forms.Form):
    """The decision on one item. While the application is unsigned or the consent for the
    meeting missing (`missing`), only "more information" is offered; the action refuses
    the other decisions too, so a form posted anyway changes nothing."""

    error_messages = {
        "contact_person_required": _("Choose the contact person when the case is accepted."),
        "redirect_to_required": _("Say which service the young person is redirected to."),
        "redirect_reason_required": _("Say why the young person is redirected."),
    }

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose a decision")), *Decision.choices],
    )
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose a contact person"),
        help_text=_("Required when the case is accepted."),
    )
    redirect_to = forms.CharField(
        label=_("Redirected to"),
        max_length=200,
        required=False,
        help_text=_("Required when redirecting: which service takes over."),
    )
    redirect_reason = forms.CharField(
        label=_("Why redirected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when redirecting."),
    )
    note = forms.CharField(
        label=_("Note for the minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For more information: what the team needs to know, and from whom."),
    )

    def __init__(self, *args, item: AgendaItem, missing: list[Missing] | None = None, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        self.missing = item_missing(item) if missing is None else missing
        if self.missing:
            # Only the widget narrows: a settling decision posted anyway gets the clear
            # message of clean_decision, not "select a valid choice".
            self.fields["decision"].widget.choices = [
                ("", _("Choose a decision")),
                (Decision.MORE_INFORMATION, Decision.MORE_INFORMATION.label),
            ]
            self.fields["decision"].help_text = not_ready_message(self.missing)
        self.fields["contact_person"].queryset = team_members(item.case)
        if not self.is_bound and item.case.contact_person_id:
            self.initial.setdefault("contact_person", item.case.contact_person_id)

    def clean_decision(self) -> str:
        decision = self.cleaned_data["decision"]
        if decision in FINAL_DECISIONS and self.missing:
            raise forms.ValidationError(not_ready_message(self.missing), code="not_ready")
        return decision

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == Decision.ACCEPT and not cleaned.get("contact_person"):
            self.add_error(
                "contact_person",
                forms.ValidationError(
                    self.error_messages["contact_person_required"], code="contact_person_required"
                ),
            )
        if decision == Decision.REDIRECT:
            if not cleaned.get("redirect_to", "").strip():
                self.add_error(
                    "redirect_to",
                    forms.ValidationError(
                        self.error_messages["redirect_to_required"], code="redirect_to_required"
                    ),
                )
            if not cleaned.get("redirect_reason", "").strip():
                self.add_error(
                    "redirect_reason",
                    forms.ValidationError(
                        self.error_messages["redirect_reason_required"],
                        code="redirect_reason_required",
                    ),
                )
        return cleaned
