"""Sign-in: one backend, one lookup, one password hash.

Members sign in with their member-card number or registered phone plus password, and only
while their member record is active; staff sign in with a username. The identifier is
resolved once per request (`sign_in_account`, shared with the lockout in members.lockout),
and every attempt runs exactly one password hash whatever happens — right or wrong
password, unknown identifier, inactive account, locked out — so the response time does not
tell anyone which accounts exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

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


class AccountCompanion(NamedTuple):
    """Another app's read that rides on the signed-in account's statement, so a page's first statement
    brings it too (projects: the portal's member record). `select` (columns) and `joins` (LEFT JOINs)
    read the account as `u`; `params()` gives the values of their placeholders, (select's, joins'),
    read each time the statement runs. Its `width` values are kept on the account, for this request
    only, as `account_companion(user, name)` hands them out."""

    select: str
    joins: str
    params: Callable[[], tuple[list, list]]
    width: int


_COMPANIONS: dict[str, AccountCompanion] = {}


def add_account_companion(name: str, companion: AccountCompanion) -> None:
    _COMPANIONS[name] = companion
    _USER_STATEMENT.clear()  # the statements are built again with it


def account_companion(user, name: str):
    """The values `name`'s companion read with this account in this request, once; else None (the
    companion's app then reads them itself)."""
    kept = getattr(user, "_account_companions", None)
    return kept.pop(name, None) if kept else None


def has_account_companion(user, name: str) -> bool:
    return name in (getattr(user, "_account_companions", None) or ())


def _account_columns():
    """(statement, user columns, organisation columns, the extra columns (permissions, companions),
    the companions' joins) of the signed-in account, built once."""
    from jiading_union.rawrows import Columns

    from .models import Organisation

    if not _USER_STATEMENT:
        users, organisations = Columns(User, "u"), Columns(Organisation, "o")
        extra = ", ".join([_permissions_sql(), *(c.select for c in _COMPANIONS.values())])
        joins = " ".join(c.joins for c in _COMPANIONS.values())
        sql = (
            f"SELECT {users.sql}, {organisations.sql}, {extra} FROM {User._meta.db_table} u "
            f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = u.organisation_id {joins} WHERE u.id = %s"
        )
        _USER_STATEMENT[:] = [sql, users, organisations, extra, joins]
    return _USER_STATEMENT


def account_params(user_id: int) -> tuple[list, list]:
    """The values of account_select's placeholders: (its columns', its joins' with the account's id first)."""
    _account_columns()
    selects, joins = [], [user_id]
    for companion in _COMPANIONS.values():
        select, join = companion.params()
        selects += select
        joins += join
    return selects, joins


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
    session engine reads a known session's account with the session: members/session_engines);
    account_params gives their placeholders' values."""
    _, users, organisations, extra, companions = _account_columns()
    joins = (
        f"LEFT JOIN {User._meta.db_table} u ON u.id = %s "
        f"LEFT JOIN {organisations.model._meta.db_table} o ON o.id = u.organisation_id {companions}"
    )
    return f"{users.sql}, {organisations.sql}, {extra}", joins


def account_from_row(values) -> User | None:
    """The account (with its organisation, a staff account's permissions for this request — what
    Django's ModelBackend would otherwise read and keep on it as `_perm_cache` — and the companions'
    values) of a row's account columns; None when no such account."""
    _, users, organisations, _, _ = _account_columns()
    user = users.instance(values[: len(users)])
    if user is not None:
        end = len(users) + len(organisations)
        User.organisation.field.set_cached_value(user, organisations.instance(values[len(users) : end]))
        permissions = values[end]
        if permissions is not None:
            user._perm_cache = set(permissions.split())
        at, kept = end + 1, {}
        for name, companion in _COMPANIONS.items():
            kept[name] = tuple(values[at : at + companion.width])
            at += companion.width
        user._account_companions = kept
    return user


def signed_in_user(user_id: int) -> User | None:
    """The account with its organisation (None if no such account): one statement, no ORM compile."""
    from jiading_union.rawrows import fetch_one

    selects, joins = account_params(user_id)
    row = fetch_one(_account_columns()[0], [*selects, *joins[1:], user_id])
    return account_from_row(row) if row is not None else None
