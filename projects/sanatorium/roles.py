# No records of its own: offerings (departures) and quotas are projects.Offering / QuotaPool (projects/roles.py).
ROLE_PERMISSIONS: dict = {}
