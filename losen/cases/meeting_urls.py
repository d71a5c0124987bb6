"""/meetings/…: team meetings, their agendas, decisions and minutes."""

from losen.cases.views import meetings as meeting_views

app_name = "meetings"
urlpatterns = [*meeting_views.urlpatterns]
