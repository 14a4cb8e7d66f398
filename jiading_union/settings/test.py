"""Test settings: the same environment-driven settings plus speed-ups.

DATABASE_URL / REDIS_URL are honoured, so CI runs this suite on PostgreSQL and
Redis. Celery stays eager unless a test starts a real worker explicitly.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from .base import *  # noqa: E402,F401,F403
from .base import REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
else:
    import uuid

    # Each run (and each xdist worker) keeps its cache keys apart: rate-limit counters and sessions
    # left in Redis by an earlier run must not decide this one (tests/conftest.py empties them per test).
    CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
# The test client's login() passes no request, which django-axes needs; lockout tests turn it back on.
AXES_ENABLED = False
SMS_BACKEND = "members.sms.LocmemBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns about a missing root)
