from django.urls import path

from losen.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.history_import, name="history"),
]
