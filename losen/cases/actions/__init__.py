"""Every write in the follow-up chain; each writes its case event (and change-log row).

core      events, state transitions, contact person and hand-over
intake    referral, application and signing, consent and withdrawal
meetings  the team meeting, its agenda and decisions
work      category, mapping, goals and action plan, journal, school rights
"""
