# No records of its own: sessions (departures) and quotas are projects.Session / QuotaPool (projects/roles.py).
ROLE_PERMISSIONS: dict = {}
