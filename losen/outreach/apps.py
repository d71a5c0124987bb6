from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Finding the young people: target lists (KAA, OT), the contact ladder, registers."""

    name = "losen.outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from losen.outreach import checks  # noqa: F401 - registers the system checks
        from losen.outreach.importer import held_people
        from losen.people import holds

        # The people a list import registered are shown when the whole list is in.
        holds.hold_people("outreach.list-import", held_people)
