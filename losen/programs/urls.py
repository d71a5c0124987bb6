"""/measures/… and a case's enrolments."""

app_name = "programs"
urlpatterns: list = []
