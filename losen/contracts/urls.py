"""Outcome contracts, under /contracts/ (namespace `contracts`)."""

from django.urls import path

from losen.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_new, name="new"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/claims/", views.contract_claims, name="claims"),
    path("<int:contract_id>/indigo.json", views.contract_indigo, name="indigo"),
    path("<int:contract_id>/ledger/", views.ledger, name="ledger"),
    path("<int:contract_id>/claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path(
        "<int:contract_id>/claims/<int:claim_id>/evidence/",
        views.evidence_add,
        name="evidence_add",
    ),
    path(
        "<int:contract_id>/claims/<int:claim_id>/evidence/<int:evidence_id>/",
        views.evidence_document,
        name="evidence_document",
    ),
    path("<int:contract_id>/samples/", views.samples, name="samples"),
    path("<int:contract_id>/samples/<int:sample_id>/", views.sample_detail, name="sample"),
    path("<int:contract_id>/statements/", views.statements, name="statements"),
    path(
        "<int:contract_id>/statements/<int:statement_id>/",
        views.statement_detail,
        name="statement",
    ),
    path(
        "<int:contract_id>/statements/<int:statement_id>/<str:fmt>/",
        views.statement_file,
        name="statement_file",
    ),
    path(
        "<int:contract_id>/claims/<int:claim_id>/decide/",
        views.claim_decide,
        name="decide",
    ),
]
