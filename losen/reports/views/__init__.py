"""Pages of reports; their URLs are in urls.py.

dashboard    the results dashboard and its downloads (aggregates only, no names)
comparisons  reference figures and targets, a target's progress
"""
