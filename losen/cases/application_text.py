"""The text a young person (and a guardian) signs: one source for the screen and the PDF.

The signing page and the printable form both render `application_text(case, language)`,
so what is signed on screen is word for word what the PDF prints. A signature on screen
stores the text's version, language and SHA-256 (`ApplicationText.sha256`, over the
plain text, not the HTML): the record shows what was signed, and a page opened before
the text changed cannot be signed (the hash posted with it no longer matches).

Scopes offered at signing are every purpose with every kind of recipient except "a
named organisation", which needs the organisation chosen and is registered on the
consents page. None is mandatory: a young person may consent in full, in part or not at
all (the seeds' application forms say so), and a scope not ticked is recorded as not
given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.cases.models import Case, ConsentPurpose, ConsentRecipient

# Raise when the wording below (or its translations) changes in substance.
TEXT_VERSION = "2026.1"

SIGNING_RECIPIENTS = [r for r in ConsentRecipient if r != ConsentRecipient.ORGANISATION]

PURPOSE_EXPLANATIONS = {
    ConsentPurpose.FOLLOW_UP: gettext_lazy(
        "Your contact person may share what is needed to plan and coordinate the measures "
        "you take part in."
    ),
    ConsentPurpose.TEAM_MEETING: gettext_lazy(
        "Your situation may be discussed in the team meeting, where the team decides "
        "together with others what you are offered."
    ),
    ConsentPurpose.INFORMATION_SHARING: gettext_lazy(
        "Information about you may be given to, and obtained from, the recipients you tick, "
        "when it helps your follow-up."
    ),
}


# The purposes the application asks about. A referral to another organisation is not
# among them: its consent names the organisation and the fields, and is given with the
# referral (losen/exchange).
SIGNING_PURPOSES = tuple(PURPOSE_EXPLANATIONS)


def scope_key(purpose: str, recipient: str) -> str:
    return f"{purpose}__{recipient}"


SIGNING_SCOPES: list[tuple[str, str]] = [
    (str(purpose), str(recipient))
    for purpose in SIGNING_PURPOSES
    for recipient in SIGNING_RECIPIENTS
]


@dataclass(frozen=True)
class ScopeText:
    purpose: str
    recipient: str
    recipient_label: str

    @property
    def key(self) -> str:
        return scope_key(self.purpose, self.recipient)


@dataclass(frozen=True)
class PurposeText:
    purpose: str
    label: str
    explanation: str
    scopes: tuple[ScopeText, ...]


@dataclass(frozen=True)
class ApplicationText:
    version: str
    language: str
    declaration: str
    consent_intro: str
    not_given: str
    purposes: tuple[PurposeText, ...]

    def lines(self) -> list[str]:
        lines = [self.version, self.language, self.declaration, self.consent_intro]
        for purpose in self.purposes:
            lines += [purpose.label, purpose.explanation]
            lines += [scope.recipient_label for scope in purpose.scopes]
        lines.append(self.not_given)
        return lines

    @property
    def sha256(self) -> str:
        return hashlib.sha256("\n".join(self.lines()).encode()).hexdigest()


def application_text(case: Case, language: str) -> ApplicationText:
    """The application and consent text for `case` in `language` (nb, sv or en)."""
    with translation.override(language):
        return ApplicationText(
            version=TEXT_VERSION,
            language=language,
            declaration=_(
                "I apply to take part in the follow-up of %(team)s (%(organisation)s). I have "
                "been told what taking part means, and I choose to take part myself."
            )
            % {"team": case.team.name, "organisation": case.organisation.name},
            consent_intro=_(
                "Tick what you consent to: for each purpose, who may receive information "
                "about you. You can withdraw your consent at any time, and the withdrawal "
                "takes effect at once."
            ),
            not_given=_(
                "You decide yourself what you consent to: all of it, some of it or none of it. "
                "What you do not tick is recorded as not given."
            ),
            purposes=tuple(
                PurposeText(
                    purpose=str(purpose),
                    label=str(purpose.label),
                    explanation=str(PURPOSE_EXPLANATIONS[purpose]),
                    scopes=tuple(
                        ScopeText(str(purpose), str(recipient), str(recipient.label))
                        for recipient in SIGNING_RECIPIENTS
                    ),
                )
                for purpose in SIGNING_PURPOSES
            ),
        )
