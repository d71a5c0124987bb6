"""/grants/…: NAV grant reports for a measure and a year."""

from django.urls import path

from losen.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/edit/", views.report_edit, name="edit"),
    path("<int:report_id>/submit/", views.report_submit, name="submit"),
    path("<int:report_id>/reopen/", views.report_reopen, name="reopen"),
    path("<int:report_id>/versions/", views.report_history, name="history"),
    path("<int:report_id>/versions/<int:number>/", views.report_version, name="version"),
    path("<int:report_id>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:report_id>/report.json", views.report_json, name="json"),
    path("<int:report_id>/report.csv", views.report_csv, name="csv"),
]
