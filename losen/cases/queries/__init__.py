"""Every read in the follow-up chain that is scoped to the actor, by area like actions/.

core      the door to cases (`get_case_for`, `cases_visible_to`), the case lists, the timeline
intake    the referral queue, referrals passed on, the application's state, consent
meetings  the door to team meetings, their agendas as each viewer may see them, invitations
work      the door to journal notes
"""
