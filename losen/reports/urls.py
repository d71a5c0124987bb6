from django.urls import path, re_path

from losen.reports import views, views_comparisons

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("flow.csv", views.flow_csv, name="flow_csv"),
    path("flow.xlsx", views.flow_xlsx, name="flow_xlsx"),
    path("dashboard.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    re_path(
        r"^tables/(?P<key>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        views.table_export,
        name="table_export",
    ),
]

# Reference figures and targets (losen/reports/views_comparisons.py).
urlpatterns += [
    path("comparisons/", views_comparisons.comparison_list, name="comparisons"),
    path("comparisons/references/new/", views_comparisons.reference_new, name="reference_new"),
    path(
        "comparisons/references/<int:figure_id>/edit/",
        views_comparisons.reference_edit,
        name="reference_edit",
    ),
    path(
        "comparisons/references/<int:figure_id>/delete/",
        views_comparisons.reference_delete,
        name="reference_delete",
    ),
    path("comparisons/targets/new/", views_comparisons.target_new, name="target_new"),
    path(
        "comparisons/targets/<int:target_id>/",
        views_comparisons.target_detail,
        name="target_detail",
    ),
    path(
        "comparisons/targets/<int:target_id>/edit/",
        views_comparisons.target_edit,
        name="target_edit",
    ),
    path(
        "comparisons/targets/<int:target_id>/delete/",
        views_comparisons.target_delete,
        name="target_delete",
    ),
    path(
        "comparisons/targets/<int:target_id>/readings/",
        views_comparisons.reading_new,
        name="reading_new",
    ),
    path(
        "comparisons/targets/<int:target_id>/readings/<int:reading_id>/delete/",
        views_comparisons.reading_delete,
        name="reading_delete",
    ),
]
