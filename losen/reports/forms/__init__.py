"""Forms of reports, by area like views/.

dashboard    the dashboard's filter (GET)
comparisons  reference figures, targets and target readings
"""
