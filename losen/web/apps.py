from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell around the apps: base layout, navigation, home page, health check."""

    name = "losen.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from losen.web import checks  # noqa: F401  (registers the system checks)
