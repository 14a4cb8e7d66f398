"""Sign-in: one backend, one lookup, one password hash.

Members sign in with their member-card number or registered phone plus password, and only
while their member record is active; staff sign in with a username. The identifier is
resolved once per request (`sign_in_account`, shared with the lockout in members.lockout),
and every attempt runs exactly one password hash whatever happens — right or wrong
password, unknown identifier, inactive account, locked out — so the response time does not
tell anyone which accounts exist.
"""

from __future__ import annotations

from axes.backends import AxesBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth.hashers import make_password

from .models import User
from .selectors import account_for_sign_in


def sign_in_account(request, identifier: str) -> User | None:
    """The account an identifier names, looked up once per request: the backend and the
    lockout (which counts failures per account, not per spelling) both ask."""
    identifier = (identifier or "").strip()
    memo = _memo(request)
    if identifier not in memo:
        memo[identifier] = account_for_sign_in(identifier)
    return memo[identifier]


def _memo(request) -> dict:
    if request is None:
        return {}
    if not hasattr(request, "_sign_in_accounts"):
        request._sign_in_accounts = {}
    return request._sign_in_accounts


class SignInBackend(AxesBackend):
    """django-axes' lockout check, then the member or staff password check, in one pass."""

    def get_user(self, user_id):
        """The signed-in user of a request, with their organisation in the same statement (every staff
        page reads it for the scope), written once per process rather than compiled by the ORM on every
        request. Django's get_user then checks the session's hash against this row, as always."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        from .session_engines import prefetched_account

        found, user = prefetched_account(user_id)
        if not found:
            user = signed_in_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        account = sign_in_account(request, username)
        try:
            super().authenticate(request, username=username, password=password, **kwargs)  # raises when locked out
        except AxesBackendPermissionDenied:
            make_password(password)  # the same work as any other attempt; the guess itself is not checked
            raise
        if account is None:
            make_password(password)
            return None
        # check_password hashes once, also for an account without a usable password.
        if account.check_password(password) and self.user_can_authenticate(account):
            _memo(request)[account.get_username()] = account  # the lockout's success handler asks by username
            return account
        return None


_USER_STATEMENT: list = []


def _account_columns():
    """(statement, user columns, organisation columns, permissions column) of the signed-in account, built once."""
    from jiading_union.rawrows import Columns

    from .models import Organisation

    if not _USER_STATEMENT:
        users, organisations = Columns(User, "u"), Columns(Organisation, "o")
        permissions = _permissions_sql()
        sql = (
            f"SELECT {users.sql}, {organisations.sql}, {permissions} FROM {User._meta.db_table} u "
            f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = u.organisation_id WHERE u.id = %s"
        )
        _USER_STATEMENT[:] = [sql, users, organisations, permissions]
    return _USER_STATEMENT


def _permissions_sql() -> str:
    """A staff account's permissions ("app_label.codename", space-separated) as one more column of the
    account's own statement: an admin page checks a dozen of them, which Django's backend would read in
    two more queries per request. NULL for any other account (a member holds none, a superuser needs
    none, an inactive account has none), so the backend's own rules still decide for those."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    quote = connection.ops.quote_name
    own, groups = User.user_permissions.through._meta, User.groups.through._meta
    granted = Group.permissions.through._meta
    names = (
        f"SELECT ct.{quote('app_label')} || '.' || p.{quote('codename')} AS name "
        f"FROM {quote(Permission._meta.db_table)} p JOIN {quote(ContentType._meta.db_table)} ct "
        f"ON ct.{quote('id')} = p.{quote('content_type_id')} WHERE p.{quote('id')} IN ("
        f"SELECT {quote(own.get_field('permission').column)} FROM {quote(own.db_table)} "
        f"WHERE {quote(own.get_field('user').column)} = u.{quote('id')} "
        f"UNION SELECT gp.{quote(granted.get_field('permission').column)} FROM {quote(granted.db_table)} gp "
        f"JOIN {quote(groups.db_table)} ug ON ug.{quote(groups.get_field('group').column)} = "
        f"gp.{quote(granted.get_field('group').column)} WHERE ug.{quote(groups.get_field('user').column)} = u.{quote('id')})"
    )
    joined = "string_agg(name, ' ')" if connection.vendor == "postgresql" else "group_concat(name, ' ')"
    return (
        f"CASE WHEN u.{quote('is_staff')} AND u.{quote('is_active')} AND NOT u.{quote('is_superuser')} "
        f"THEN (SELECT coalesce({joined}, '') FROM ({names}) granted) END"
    )


def account_select() -> tuple[str, str]:
    """The account's columns and joins for a statement that reads it beside something else (the
    session engine reads a known session's account with the session: members/session_engines)."""
    _, users, organisations, permissions = _account_columns()
    joins = (
        f"LEFT JOIN {User._meta.db_table} u ON u.id = %s "
        f"LEFT JOIN {organisations.model._meta.db_table} o ON o.id = u.organisation_id"
    )
    return f"{users.sql}, {organisations.sql}, {permissions}", joins


def account_from_row(values) -> User | None:
    """The account (with its organisation, and a staff account's permissions for this request: what
    Django's ModelBackend would otherwise read and keep on it as `_perm_cache`) of a row's account
    columns; None when no such account."""
    _, users, organisations, _ = _account_columns()
    user = users.instance(values[: len(users)])
    if user is not None:
        end = len(users) + len(organisations)
        User.organisation.field.set_cached_value(user, organisations.instance(values[len(users) : end]))
        permissions = values[end] if len(values) > end else None
        if permissions is not None:
            user._perm_cache = set(permissions.split())
    return user


def signed_in_user(user_id: int) -> User | None:
    """The account with its organisation (None if no such account): one statement, no ORM compile."""
    from jiading_union.rawrows import fetch_one

    sql = _account_columns()[0]
    row = fetch_one(sql, [user_id])
    return account_from_row(row) if row is not None else None
