"""A case's exit and its follow-ups."""

from django.urls import path

from losen.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("cases/<int:case_id>/exit/", views.case_exit, name="exit"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up, name="follow_up"),
]
