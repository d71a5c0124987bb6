from django.contrib import admin
from django.urls import include, path

from losen.accounts import views as accounts_views
from losen.cases import urls as cases_urls
from losen.exchange import urls as exchange_urls
from losen.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("accounts/", include("losen.accounts.urls")),
    path("people/", include("losen.people.urls")),
    path("cases/", include("losen.cases.urls")),
    path("referrals/outgoing/", include((exchange_urls.outgoing_urlpatterns, "outgoing"))),
    path("referrals/incoming/", include((exchange_urls.incoming_urlpatterns, "incoming"))),
    path("referrals/", include((cases_urls.referral_urlpatterns, "referrals"))),
    path("meetings/", include((cases_urls.meeting_urlpatterns, "meetings"))),
    path("", include("losen.programs.urls")),
    path("", include("losen.outcomes.urls")),
    path("results/", include("losen.reports.urls")),
    path("grants/", include("losen.grants.urls")),
    path("catalogue/", include("losen.catalogue.urls")),
    path("contracts/", include("losen.contracts.urls")),
    path("jobs/", include("losen.jobs.urls")),
    path("imports/", include("losen.imports.urls")),
    path("outreach/", include("losen.outreach.urls")),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
