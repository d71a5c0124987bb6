"""Every write of outreach, by area like models/, views/ and forms/.

ladder   assignment, attempts, statuses, leaving, referral from outreach, SMS, notices of rights
lists    target lists imported and discarded
exports  statutory exports made and read
kaa      the KAA register: planned occupation, measures, leaving
"""
