"""Production: the environment-driven settings of base.py with DEBUG off unless set.

The default of wsgi.py, asgi.py and the Celery app (and of every container in
docker-compose.yml): it refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

from .base import *  # noqa: F401,F403
