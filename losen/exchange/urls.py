"""Referrals between organisations, under two namespaces (see losen/urls.py):

outgoing  /referrals/outgoing/…: what the organisation referred out, and referring a case
incoming  /referrals/incoming/…: what other organisations referred to it
"""

from django.urls import path

from losen.exchange import views

outgoing_urlpatterns = [
    path("", views.outgoing, name="list"),
    path("<int:referral_id>/", views.outgoing_detail, name="detail"),
    path("new/<int:case_id>/", views.refer_out, name="new"),
]
incoming_urlpatterns = [
    path("", views.incoming, name="list"),
    path("<int:referral_id>/", views.incoming_detail, name="detail"),
    path("<int:referral_id>/accept/", views.incoming_accept, name="accept"),
    path("<int:referral_id>/decline/", views.incoming_decline, name="decline"),
    path("<int:referral_id>/waiting-list/", views.incoming_waitlist, name="waitlist"),
    path("<int:referral_id>/pause/", views.incoming_pause, name="pause"),
    path("<int:referral_id>/attendance/", views.incoming_attendance, name="attendance"),
    path("<int:referral_id>/notes/", views.incoming_note, name="note"),
    path(
        "<int:referral_id>/notes/<int:note_id>/review/",
        views.incoming_note_review,
        name="note_review",
    ),
]
