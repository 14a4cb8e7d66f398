"""Settings read from the environment (12-factor).

base.py: every environment (DJANGO_SETTINGS_MODULE=jiading_union.settings.base).
test.py: base plus test speed-ups; pytest uses it.

With nothing set, the project runs on the *embedded default*: a SQLite file in
the project directory and Celery tasks executed in-process, so `make run` works
on any laptop. Set DATABASE_URL and REDIS_URL for the real services.
"""
