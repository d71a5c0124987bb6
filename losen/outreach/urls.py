from django.urls import path, re_path

from losen.outreach.views import dashboard, exports, kaa, ladder, lists

app_name = "outreach"

urlpatterns = [
    path("", ladder.queue_view, name="queue"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/figures.pdf", dashboard.dashboard_pdf, name="dashboard_pdf"),
    re_path(
        r"^dashboard/tables/(?P<key>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        dashboard.table_export,
        name="dashboard_table",
    ),
    path("exports/", exports.export_index, name="exports"),
    path("exports/<int:export_id>/file.csv", exports.export_download, name="export_download"),
    path("lists/", lists.list_index, name="lists"),
    path("lists/import/", lists.list_upload, name="upload"),
    path("lists/<int:list_id>/", lists.list_detail, name="list"),
    path("lists/<int:list_id>/rights/", lists.list_rights, name="list_rights"),
    path("people/<int:entry_id>/", ladder.entry_detail, name="entry"),
    path("people/<int:entry_id>/assign/", ladder.entry_assign, name="assign"),
    path("people/<int:entry_id>/attempts/", ladder.entry_attempt, name="attempt"),
    path("people/<int:entry_id>/status/", ladder.entry_status, name="status"),
    path("people/<int:entry_id>/left/", ladder.entry_leave_reason, name="leave_reason"),
    path("people/<int:entry_id>/refer/", ladder.entry_refer, name="refer"),
    path("people/<int:entry_id>/sms/", ladder.entry_sms, name="sms"),
    path("people/<int:entry_id>/letter.pdf", ladder.entry_letter, name="letter"),
    path("people/<int:entry_id>/rights/", ladder.entry_rights, name="rights"),
    path("people/<int:entry_id>/kaa/", kaa.kaa_register, name="kaa"),
    path("people/<int:entry_id>/kaa/leaving/", kaa.kaa_leaving, name="kaa_leaving"),
    path("people/<int:entry_id>/kaa/measures/new/", kaa.kaa_measure, name="kaa_measure_new"),
    path(
        "people/<int:entry_id>/kaa/measures/<int:measure_id>/",
        kaa.kaa_measure,
        name="kaa_measure",
    ),
]
