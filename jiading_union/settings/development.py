"""A developer's machine: what `manage.py` uses unless DJANGO_SETTINGS_MODULE says otherwise.

DEBUG is on unless the environment sets DEBUG=0, so every command in the README works as
written on a fresh clone (the development SECRET_KEY is accepted only while DEBUG is on).
wsgi.py, asgi.py and the Celery app default to jiading_union.settings.production instead.
"""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F401,F403
