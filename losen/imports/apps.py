from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing a programme's history in from spreadsheets: a face over the apps' data."""

    name = "losen.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from losen.imports import runs
        from losen.people import holds

        # A history import's people and cases are shown when the whole run is in.
        holds.hold_people("imports.history-import", runs.hidden_person_ids)
        holds.hold_cases("imports.history-import", runs.hidden_case_ids)
