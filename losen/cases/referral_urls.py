"""/referrals/…: the team's referral queue and registering a referral."""

from losen.cases.views import intake as intake_views

app_name = "referrals"
urlpatterns = [*intake_views.referral_urlpatterns]
