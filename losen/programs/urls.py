"""/measures/…, /sessions/ and a case's enrolments (/cases/<id>/enrolments/…)."""

from django.urls import path

from losen.programs import views

app_name = "programs"
urlpatterns = [
    path("measures/", views.measure_list, name="measures"),
    path("measures/new/", views.measure_new, name="measure_new"),
    path("measures/export.<str:fmt>", views.measures_export, name="measures_export"),
    path(
        "measures/<int:measure_id>/participants.<str:fmt>",
        views.measures_export,
        {"table": "participants"},
        name="participants_export",
    ),
    path(
        "measures/<int:measure_id>/attendance.<str:fmt>",
        views.measures_export,
        {"table": "attendance"},
        name="attendance_export",
    ),
    path("measures/staircases/new/", views.staircase_new, name="staircase_new"),
    path(
        "measures/staircases/<int:staircase_id>/edit/",
        views.staircase_edit,
        name="staircase_edit",
    ),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/start-next/", views.start_next, name="start_next"),
    path("measures/<int:measure_id>/sessions/", views.measure_sessions, name="measure_sessions"),
    path("measures/<int:measure_id>/sessions/new/", views.session_new, name="session_new"),
    path("measures/<int:measure_id>/sessions/plan/", views.sessions_plan, name="sessions_plan"),
    path(
        "measures/<int:measure_id>/sessions/<int:session_id>/",
        views.session_detail,
        name="session_detail",
    ),
    path("sessions/", views.session_list, name="sessions"),
    path("cases/<int:case_id>/enrolments/", views.case_enrolments, name="case_enrolments"),
    path("cases/<int:case_id>/enrolments/new/", views.enrol, name="enrol"),
    path(
        "cases/<int:case_id>/enrolments/<int:enrolment_id>/end/",
        views.enrolment_end,
        name="enrolment_end",
    ),
    path(
        "cases/<int:case_id>/enrolments/<int:enrolment_id>/move-up/",
        views.enrolment_move_up,
        name="enrolment_move_up",
    ),
]
