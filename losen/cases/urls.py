"""/cases/…: the case page, the work inside it, and the intake steps on a case."""

from losen.cases.views import case as case_views
from losen.cases.views import intake as intake_views

app_name = "cases"
urlpatterns = [
    *case_views.urlpatterns,
    *intake_views.case_urlpatterns,
]
