"""Forms for the team meeting: calling a meeting, and the decision on an agenda item."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from django import forms
from django.core.validators import validate_email
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from losen.accounts.models import Team, User
from losen.cases.models import AgendaItem, Decision, TeamMeeting
from losen.cases.queries.core import team_members
from losen.cases.queries.meetings import (
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


class GuestsForm(forms.Form):
    """Guests of a meeting: the team's earlier guests by name, others by address. Used
    when the meeting is called and to add guests later, until the meeting starts."""

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

    def __init__(self, *args, team: Team, exclude_guests: Iterable[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        cast(forms.ModelChoiceField, self.fields["guests"]).queryset = (
            earlier_guests(team).exclude(pk__in=list(exclude_guests))
        ).prefetch_related("memberships__organisation")

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


class MeetingForm(GuestsForm):
    field_order = ["starts_at", "location"]

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

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, team=team, **kwargs)
        # One checkbox per member of the team, each with its own label; all ticked at first.
        self.members = list(meeting_members(team))
        for user in self.members:
            self.fields[self.member_field(user)] = forms.BooleanField(
                label=user.get_full_name(), required=False, initial=True
            )

    @staticmethod
    def member_field(user: User) -> str:
        return f"member_{user.pk}"

    def member_fields(self) -> list[forms.BoundField]:
        return [self[self.member_field(user)] for user in self.members]

    def chosen_members(self) -> list[User]:
        return [user for user in self.members if self.cleaned_data.get(self.member_field(user))]


def time_taken_message(meeting: TeamMeeting) -> str:
    """Why a second meeting of the team at the same time is refused."""
    return _(
        "%(team)s already has a meeting at %(when)s. A team holds one meeting at a time: "
        "choose another time."
    ) % {
        "team": meeting.team.name,
        "when": formats.date_format(timezone.localtime(meeting.starts_at), "d.m.Y H:i"),
    }


def not_ready_message(missing: list[Missing]) -> str:
    """Why only more information can be asked for, naming what is missing."""
    return _("The team can only ask for more information until this is in place: %(missing)s.") % {
        "missing": ", ".join(str(m.label) for m in missing)
    }


ACCEPT_WITH = "accept:"


class DecisionForm(forms.Form):
    """The decision on one item, in one compact control: a single select names the
    decision, and for acceptance the contact person with it ("Accept – contact person
    Kari"); a service field for a redirection; a note; one button.

    While the application is unsigned or the consent for the meeting missing
    (`missing`), only "more information" is offered; the action refuses the other
    decisions too, so a form posted anyway changes nothing. `cleaned_data` has the
    action's arguments: decision, contact_person, redirect_to, redirect_reason, note
    (when redirecting, the note is the reason).
    """

    error_messages = {
        "contact_person_required": _("Choose the contact person when the case is accepted."),
        "redirect_to_required": _("Say which service the young person is redirected to."),
        "redirect_reason_required": _("Say why the young person is redirected, in the note."),
    }

    decision = forms.ChoiceField(label=_("Decision"))
    redirect_to = forms.CharField(
        label=_("Redirected to"),
        max_length=200,
        required=False,
        help_text=_("When redirecting: which service takes over."),
    )
    note = forms.CharField(
        label=_("Note for the minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When redirecting: why. For more information: what the team needs, from whom."),
    )

    def __init__(
        self,
        *args,
        item: AgendaItem,
        missing: list[Missing] | None = None,
        members: list[User] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        self.missing = item_missing(item) if missing is None else missing
        members = list(team_members(item.case)) if members is None else members
        # The case's contact person, if they may stay so, first among the acceptances.
        members.sort(key=lambda user: user.pk != item.case.contact_person_id)
        self.members = {user.pk: user for user in members}
        accept = [
            (
                f"{ACCEPT_WITH}{user.pk}",
                _("Accept – contact person %(name)s") % {"name": user.get_full_name()},
            )
            for user in members
        ]
        others = [
            (Decision.WAITING_LIST, Decision.WAITING_LIST.label),
            (Decision.REDIRECT, Decision.REDIRECT.label),
            (Decision.MORE_INFORMATION, Decision.MORE_INFORMATION.label),
        ]
        cast(forms.ChoiceField, self.fields["decision"]).choices = [
            ("", _("Choose a decision")),
            *accept,
            *others,
        ]
        if self.missing:
            # Only the widget narrows: a settling decision posted anyway gets the clear
            # message of clean_decision, not "select a valid choice".
            self.fields["decision"].widget.choices = [
                ("", _("Choose a decision")),
                (Decision.MORE_INFORMATION, Decision.MORE_INFORMATION.label),
            ]
            self.fields["decision"].help_text = not_ready_message(self.missing)

    def clean_decision(self) -> str:
        decision = self.cleaned_data["decision"]
        settling = decision.startswith(ACCEPT_WITH) or decision in FINAL_DECISIONS
        if settling and self.missing:
            raise forms.ValidationError(not_ready_message(self.missing), code="not_ready")
        return decision

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("decision")
        if not chosen:
            return cleaned
        contact_person = None
        if chosen.startswith(ACCEPT_WITH):
            contact_person = self.members[int(chosen.removeprefix(ACCEPT_WITH))]
            chosen = Decision.ACCEPT
        cleaned["decision"] = Decision(chosen)
        cleaned["contact_person"] = contact_person
        note = cleaned.get("note", "").strip()
        cleaned["redirect_reason"] = ""
        if chosen == Decision.REDIRECT:
            if not cleaned.get("redirect_to", "").strip():
                self.add_error(
                    "redirect_to",
                    forms.ValidationError(
                        self.error_messages["redirect_to_required"], code="redirect_to_required"
                    ),
                )
            if not note:
                self.add_error(
                    "note",
                    forms.ValidationError(
                        self.error_messages["redirect_reason_required"],
                        code="redirect_reason_required",
                    ),
                )
            cleaned["redirect_reason"], cleaned["note"] = note, ""
        else:
            cleaned["redirect_to"] = ""
        return cleaned
