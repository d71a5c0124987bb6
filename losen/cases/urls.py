"""The follow-up chain's URLs, under three namespaces (see losen/urls.py):

cases      /cases/…: the case page, the work inside it, and the intake steps on a case
referrals  /referrals/…: the team's referral queue and registering a referral
meetings   /meetings/…: team meetings, their agendas, decisions and minutes
"""

from django.urls import path

from losen.cases.views import (
    case,
    case_handover,
    case_journal,
    case_mapping,
    case_plan,
    case_timeline,
    intake,
    meetings,
)

app_name = "cases"
urlpatterns = [
    path("", case.case_list, name="list"),
    path("export.<str:fmt>", case.case_list_export, name="export"),
    path("handover/", case_handover.handover, name="handover"),
    path("<int:case_id>/", case.case_detail, name="detail"),
    path("<int:case_id>/contact-person/", case.case_contact_person, name="contact_person"),
    path("<int:case_id>/flag/", case.case_flag, name="flag"),
    path("<int:case_id>/category/", case.case_category, name="category"),
    path("<int:case_id>/school-rights/", case.case_school_rights, name="school_rights"),
    path("<int:case_id>/mappings/", case_mapping.mapping_history, name="mappings"),
    path("<int:case_id>/mappings/new/", case_mapping.mapping_new, name="mapping_new"),
    path("<int:case_id>/plan/", case_plan.plan_edit, name="plan_edit"),
    path("<int:case_id>/plan.pdf", case_plan.plan_pdf, name="plan_pdf"),
    path("<int:case_id>/notes/", case_journal.note_new, name="note_new"),
    path("<int:case_id>/notes/<int:note_id>/edit/", case_journal.note_edit, name="note_edit"),
    path(
        "<int:case_id>/events/<int:event_id>/correct/",
        case_timeline.event_correct,
        name="event_correct",
    ),
    # The intake steps on a case.
    path("<int:case_id>/application/", intake.application, name="application"),
    path("<int:case_id>/application/sign/", intake.application_sign, name="application_sign"),
    path(
        "<int:case_id>/application/upload/",
        intake.application_upload,
        name="application_upload",
    ),
    path("<int:case_id>/application.pdf", intake.application_pdf, name="application_pdf"),
    path("<int:case_id>/application/paper/", intake.application_paper, name="application_paper"),
    path("<int:case_id>/consents/", intake.consents, name="consents"),
    path("<int:case_id>/consents/new/", intake.consent_new, name="consent_new"),
    path(
        "<int:case_id>/consents/<int:consent_id>/withdraw/",
        intake.consent_withdraw,
        name="consent_withdraw",
    ),
]

referral_urlpatterns = [
    path("", intake.referral_queue_view, name="queue"),
    path("new/", intake.referral_new, name="new"),
    path("new/search/", intake.person_search, name="person_search"),
    path("passed-on/<int:referral_id>/accept/", intake.passed_on_accept, name="passed_on_accept"),
    path(
        "passed-on/<int:referral_id>/decline/",
        intake.passed_on_decline,
        name="passed_on_decline",
    ),
]

meeting_urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("new/", meetings.meeting_new, name="new"),
    path("<int:meeting_id>/", meetings.meeting_detail, name="detail"),
    path("<int:meeting_id>/refresh/", meetings.meeting_refresh, name="refresh"),
    path("<int:meeting_id>/guests/", meetings.meeting_guests, name="guests"),
    path("<int:meeting_id>/items/<int:item_id>/decide/", meetings.meeting_decide, name="decide"),
    path("<int:meeting_id>/minutes.pdf", meetings.minutes_pdf, name="minutes_pdf"),
    path("partners/<int:team_id>/", meetings.team_partners, name="partners"),
    path(
        "partners/<int:team_id>/<int:partner_id>/remove/",
        meetings.team_partner_remove,
        name="partner_remove",
    ),
    path("invitations/<int:invitation_id>/accept/", meetings.invitation_accept, name="accept"),
    path("invitations/<int:invitation_id>/decline/", meetings.invitation_decline, name="decline"),
]
