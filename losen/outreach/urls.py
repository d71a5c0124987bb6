from django.urls import path, re_path

from losen.outreach import views, views_dashboard, views_exports, views_kaa, views_lists

app_name = "outreach"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/figures.pdf", views_dashboard.dashboard_pdf, name="dashboard_pdf"),
    re_path(
        r"^dashboard/tables/(?P<key>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        views_dashboard.table_export,
        name="dashboard_table",
    ),
    path("exports/", views_exports.export_index, name="exports"),
    path("exports/<int:export_id>/file.csv", views_exports.export_download, name="export_download"),
    path("lists/", views_lists.list_index, name="lists"),
    path("lists/import/", views_lists.list_upload, name="upload"),
    path("lists/<int:list_id>/", views_lists.list_detail, name="list"),
    path("lists/<int:list_id>/rights/", views_lists.list_rights, name="list_rights"),
    path("people/<int:entry_id>/", views.entry_detail, name="entry"),
    path("people/<int:entry_id>/assign/", views.entry_assign, name="assign"),
    path("people/<int:entry_id>/attempts/", views.entry_attempt, name="attempt"),
    path("people/<int:entry_id>/status/", views.entry_status, name="status"),
    path("people/<int:entry_id>/left/", views.entry_leave_reason, name="leave_reason"),
    path("people/<int:entry_id>/refer/", views.entry_refer, name="refer"),
    path("people/<int:entry_id>/sms/", views.entry_sms, name="sms"),
    path("people/<int:entry_id>/letter.pdf", views.entry_letter, name="letter"),
    path("people/<int:entry_id>/rights/", views.entry_rights, name="rights"),
    path("people/<int:entry_id>/kaa/", views_kaa.kaa_register, name="kaa"),
    path("people/<int:entry_id>/kaa/leaving/", views_kaa.kaa_leaving, name="kaa_leaving"),
    path("people/<int:entry_id>/kaa/measures/new/", views_kaa.kaa_measure, name="kaa_measure_new"),
    path(
        "people/<int:entry_id>/kaa/measures/<int:measure_id>/",
        views_kaa.kaa_measure,
        name="kaa_measure",
    ),
]
