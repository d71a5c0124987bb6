from django.urls import path, re_path

from losen.reports.views import comparisons, dashboard

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("flow.csv", dashboard.flow_csv, name="flow_csv"),
    path("flow.xlsx", dashboard.flow_xlsx, name="flow_xlsx"),
    path("dashboard.pdf", dashboard.dashboard_pdf, name="dashboard_pdf"),
    re_path(
        r"^tables/(?P<key>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        dashboard.table_export,
        name="table_export",
    ),
]

# Reference figures and targets (losen/reports/views/comparisons.py).
urlpatterns += [
    path("comparisons/", comparisons.comparison_list, name="comparisons"),
    path("comparisons/references/new/", comparisons.reference_new, name="reference_new"),
    path(
        "comparisons/references/<int:figure_id>/edit/",
        comparisons.reference_edit,
        name="reference_edit",
    ),
    path(
        "comparisons/references/<int:figure_id>/delete/",
        comparisons.reference_delete,
        name="reference_delete",
    ),
    path("comparisons/targets/new/", comparisons.target_new, name="target_new"),
    path(
        "comparisons/targets/<int:target_id>/",
        comparisons.target_detail,
        name="target_detail",
    ),
    path(
        "comparisons/targets/<int:target_id>/edit/",
        comparisons.target_edit,
        name="target_edit",
    ),
    path(
        "comparisons/targets/<int:target_id>/delete/",
        comparisons.target_delete,
        name="target_delete",
    ),
    path(
        "comparisons/targets/<int:target_id>/readings/",
        comparisons.reading_new,
        name="reading_new",
    ),
    path(
        "comparisons/targets/<int:target_id>/readings/<int:reading_id>/delete/",
        comparisons.reading_delete,
        name="reading_delete",
    ),
]
