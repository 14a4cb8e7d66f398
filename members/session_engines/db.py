from django.contrib.sessions.backends import db

from . import RawSessionRead


class SessionStore(RawSessionRead, db.SessionStore):
    pass
