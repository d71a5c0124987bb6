"""The follow-up chain's URLs, under three namespaces (see losen/urls.py):

cases      /cases/…: the case page, the work inside it, and the intake steps on a case
referrals  /referrals/…: the team's referral queue and registering a referral
meetings   /meetings/…: team meetings, their agendas, decisions and minutes
"""

from losen.cases.views import case as case_views
from losen.cases.views import intake as intake_views
from losen.cases.views import meetings as meeting_views

app_name = "cases"
urlpatterns = [
    *case_views.urlpatterns,
    *intake_views.case_urlpatterns,
]

referral_urlpatterns = [*intake_views.referral_urlpatterns]

meeting_urlpatterns = [*meeting_views.urlpatterns]
