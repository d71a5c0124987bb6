from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """The catalogue of measures: published for referral, and reported by NAV offices.

    It comes after `reports` in the app order (docs/architecture.md): a listing's page
    shows the measure's results. A measure's words are kept current in its listing by
    the signal below, since `programs` cannot know the catalogue.
    """

    name = "losen.catalogue"
    verbose_name = _("Catalogue of measures")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from losen.catalogue.actions import refresh_search_text
        from losen.programs.models import Measure

        post_save.connect(
            refresh_search_text, sender=Measure, dispatch_uid="catalogue.measure_saved"
        )
