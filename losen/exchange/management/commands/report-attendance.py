"""`losen report-attendance [--month YYYY-MM] [--organisation ORG]`.

Reports each referred young person's attendance in a month to the organisation that
referred them, for every referral received whose young person had started by the month's
end and had not left before it began, while the consent lasts. Run it early each month
(by cron): without `--month` it reports the month before today. A month reported already
(from the referral's page or an earlier run) and a month without recorded attendance are
left alone, so running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from losen.accounts.lookup import NotFound, find_organisation
from losen.exchange.actions import AlreadyReported, NothingToReport, do_report_attendance
from losen.exchange.models import ReceivedReferral
from losen.lib.dates import add_months


class Command(BaseCommand):
    help = "Report a month's attendance of referred young people to whoever referred them."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; the month before today if left out")
        parser.add_argument("--organisation", help="only this receiving organisation")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(f"{options['month']}-01")
            except ValueError:
                raise CommandError("--month is YYYY-MM, for example 2026-11.") from None
        else:
            month = add_months(today.replace(day=1), -1)
        end = add_months(month, 1) - datetime.timedelta(days=1)
        if end >= today:
            raise CommandError(f"{month:%Y-%m} is not over yet.")
        referrals = ReceivedReferral.objects.filter(
            case__isnull=False,
            started_on__lte=end,
            consent_withdrawn_at__isnull=True,
        ).filter(Q(exit_on__isnull=True) | Q(exit_on__gte=month))
        if options["organisation"]:
            try:
                organisation = find_organisation(options["organisation"])
            except NotFound as missing:
                raise CommandError(str(missing)) from None
            referrals = referrals.filter(organisation=organisation)
        sent = skipped = 0
        for received in referrals.order_by("pk"):
            try:
                made = do_report_attendance(None, received, month)
            except (NothingToReport, AlreadyReported):
                skipped += 1
                continue
            if made is None:
                skipped += 1
            else:
                sent += 1
        self.stdout.write(f"{month:%Y-%m}: {sent} reported, {skipped} with nothing new to report")
