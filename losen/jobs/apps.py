from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long-running work (large exports, imports) in the background, with progress.

    In the app order (docs/architecture.md) jobs comes after `submissions`: its models
    and runner use only `accounts`, `audit` and `lib`. The later apps register their
    kinds of job in a `jobs.py` and their table exports in an `exporters.py`, imported
    here at start-up.
    """

    name = "losen.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from losen.jobs import checks  # noqa: F401 - registers the system checks

        autodiscover_modules("exporters", "jobs")
