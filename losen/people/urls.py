from django.urls import path

from losen.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("export.<str:fmt>", views.person_list_export, name="export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/identity-number/", views.person_identity_number, name="identity_number"),
    path("<int:person_id>/teams/", views.person_follow, name="follow"),
    path("<int:person_id>/teams/<int:team_id>/remove/", views.person_unfollow, name="unfollow"),
    path("<int:person_id>/guardians/new/", views.guardian_new, name="guardian_new"),
    path(
        "<int:person_id>/guardians/<int:guardian_id>/remove/",
        views.guardian_remove,
        name="guardian_remove",
    ),
    path("<int:person_id>/access-log/", views.access_log, name="access_log"),
    path(
        "<int:person_id>/access-log.csv",
        views.access_log_export,
        {"fmt": "csv"},
        name="access_log_csv",
    ),
    path(
        "<int:person_id>/access-log.xlsx",
        views.access_log_export,
        {"fmt": "xlsx"},
        name="access_log_xlsx",
    ),
    path(
        "<int:person_id>/access-log.pdf",
        views.access_log_export,
        {"fmt": "pdf"},
        name="access_log_pdf",
    ),
]
