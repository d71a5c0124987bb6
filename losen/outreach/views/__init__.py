"""Pages of outreach, by area like actions/, forms/ and queries/; their URLs are in urls.py.

ladder     the daily work queue and a person's outreach page
lists      the target lists received, one list's changes, the upload, notices of rights
kaa        the KAA register of one person
dashboard  the outreach dashboard and its downloads
exports    the statutory exports
"""
