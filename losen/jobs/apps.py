from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long-running work (large exports, imports) in the background, with progress."""

    name = "losen.jobs"
    verbose_name = _("Background jobs")
