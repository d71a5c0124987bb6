from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    """A form posted twice makes one object: one-time submission tokens.

    In the app order (docs/architecture.md) it comes right after `accounts`: its one
    model knows only the user. Every view that creates something wears
    `@once_per_submission` (once.py).
    """

    name = "losen.submissions"
    verbose_name = _("Form submissions")
