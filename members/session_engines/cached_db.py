from django.contrib.sessions.backends import cached_db

from . import RawSessionRead


class SessionStore(RawSessionRead, cached_db.SessionStore):
    pass
