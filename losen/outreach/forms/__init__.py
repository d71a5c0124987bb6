"""Forms of outreach, by area like actions/ and views/.

ladder     the queue's filter, attempts, SMS, statuses, leaving, referral
lists      the target list upload
kaa        the KAA register: planned occupation, leaving, measures
dashboard  the dashboard's team and period
exports    the statutory export's layout and period
"""
