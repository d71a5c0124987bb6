from django.urls import path

from losen.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("flow.csv", views.flow_csv, name="flow_csv"),
    path("flow.xlsx", views.flow_xlsx, name="flow_xlsx"),
    path("dashboard.pdf", views.dashboard_pdf, name="dashboard_pdf"),
]
