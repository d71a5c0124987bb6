from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Referrals between organisations under the young person's consent, and reports back.

    It comes after `catalogue` in the app order (docs/architecture.md): a referral goes to
    a published measure. The receiver's case events are reported back by the signal below,
    since `cases` cannot know of other organisations' referrals.
    """

    name = "losen.exchange"
    verbose_name = _("Referrals between organisations")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from losen.cases.models import CaseEvent
        from losen.exchange.actions import on_case_event

        post_save.connect(on_case_event, sender=CaseEvent, dispatch_uid="exchange.case_event")
