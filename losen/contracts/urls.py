"""Outcome contracts, under /contracts/ (namespace `contracts`)."""

from django.urls import path

from losen.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_new, name="new"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/claims/", views.contract_claims, name="claims"),
    path(
        "<int:contract_id>/claims/<int:claim_id>/decide/",
        views.claim_decide,
        name="decide",
    ),
]
