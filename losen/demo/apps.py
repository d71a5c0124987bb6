from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The made-up demo world (`losen demo-data`): it composes every other app's data."""

    name = "losen.demo"
    verbose_name = _("Demo data")
