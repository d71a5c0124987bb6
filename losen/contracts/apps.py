from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Outcome contracts: a payer pays a provider for verified change in a young person's
    life, by a rate card, from claims that the chain's own events make.

    It comes after `exchange` in the app order (docs/architecture.md): it reads the
    provider's cases, enrolments, exits and follow-ups, and knows of no app above it.
    """

    name = "losen.contracts"
    verbose_name = _("Outcome contracts")
