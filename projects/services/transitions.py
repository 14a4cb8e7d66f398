"""Moving an application through the transition table (projects.workflow).

Every status change is `check_transition` (permissions, state, reasons — raises with a Chinese
message) followed by `do_transition` (write, record the event, release quotas, run the
procedure's on_approved hook, notify) on a row locked with SELECT … FOR UPDATE. Portal, admin,
payouts and tasks all come through here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from members.models import User
from projects import workflow
from projects.models import Application, ApplicationEvent, ApplicationStatus, Notification
from projects.procedures import PROCEDURES
from subsidies.rules import registry
from subsidies.rules.facts import Fact

from .errors import TransitionNotAllowed
from .notifications import applicant_users
from .quotas import quota_release

S = ApplicationStatus
TRANSITIONS = workflow.TRANSITIONS
FACTS_REQUIRED = "请先填写：{labels}。"
DECIDED_INELIGIBLE = "按已确定的事实判定为不符合条件，不能审核通过：请退回补正或不予通过。"


def record_event(
    application: Application,
    *,
    action: str,
    from_status: str,
    to_status: str,
    actor: User | None,
    comment: str = "",
    level: str = "",
    data: dict | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
        level=level,
        data=data or {},
    )


def check_transition(
    *, user: User | None, application: Application, action: str, comment: str = ""
) -> workflow.Transition:
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"未知操作：{action}")
    if application.status not in transition.sources:
        raise TransitionNotAllowed(
            workflow.NOT_ALLOWED_FROM.format(
                status=ApplicationStatus(application.status).label, action=transition.label
            )
        )
    if transition.actor != workflow.PAYOUTS:
        held_by = workflow.is_held(application)
        if held_by:
            raise TransitionNotAllowed(workflow.HELD.format(batch=held_by, action=transition.label))
    if (
        transition.actor == workflow.REVIEWER
        and user is not None
        and user.is_authenticated
        and workflow.on_applicant_side(user, application)
    ):
        raise TransitionNotAllowed(workflow.OWN_APPLICATION)
    if not workflow.may_perform(user, application, transition):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action=transition.label))
    if transition.needs_reason and not comment.strip():
        raise TransitionNotAllowed(workflow.REASON_REQUIRED.format(action=transition.label), field="comment")
    if transition.action == "approve":
        _check_segregation(user, application)
        check_facts_supplied(application)
        if application.decision.get("outcome") == "ineligible":
            raise TransitionNotAllowed(DECIDED_INELIGIBLE)
    return transition


def _check_segregation(user: User, application: Application) -> None:
    """Whoever approved at one level may not approve at the next level of the same round. A return
    and resubmission starts a new round: the same reviewer may approve their level again."""
    previous = workflow.previous_level(application)
    if previous is None:
        return
    round_start = application.events.filter(action="submit").order_by("-pk").values_list("pk", flat=True).first() or 0
    if application.events.filter(action="approve", actor=user, level=previous, pk__gt=round_start).exists():
        raise TransitionNotAllowed(workflow.SAME_REVIEWER.format(level=workflow.ReviewLevel(previous).label))


def move(
    *,
    user: User | None,
    application: Application,
    transition: workflow.Transition,
    comment: str = "",
    data: dict | None = None,
) -> tuple[ApplicationEvent, list[str]]:
    """A transition in memory: the application's status and its timestamps, and the event, unsaved.
    Returns the event and the fields that changed; do_transition saves both (a new application
    is saved once, after all its moves: projects.services.submission)."""
    from_status = application.status
    level = workflow.current_level(application)
    to_status = workflow.target_status(transition, application)
    application.status = to_status
    application._history_user = user  # the audit names the actor, in a request or in a task
    now = timezone.now()
    application.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if transition.action == "submit":
        application.submitted_at = now
        fields.append("submitted_at")
    if to_status in (S.APPROVED, S.REJECTED):
        application.decided_at = now
        fields.append("decided_at")
    if to_status == S.PAID:
        application.paid_at = now
        fields.append("paid_at")
    if transition.action == "route" and workflow.skipped_levels(application):
        skipped = [str(workflow.ReviewLevel(lv).label) for lv in workflow.skipped_levels(application)]
        data = {**(data or {}), "skipped_levels": workflow.skipped_levels(application)}
        comment = comment or f"申请方为{'、'.join(skipped)}，本级不审核自己提出的申请"
    event = ApplicationEvent(
        application=application,
        action=transition.action,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        comment=comment.strip(),
        level=level.value if level else "",
        data=data or {},
    )
    return event, fields


def after_move(
    application: Application, transition: workflow.Transition, *, comment: str = "", notify: bool = True
) -> None:
    """What a saved transition sets off: places given back, the procedure's on_approved hook, the
    applicant's notification (notify=False: the caller notifies a whole set, notify_moved)."""
    to_status = application.status
    if to_status in (S.WITHDRAWN, S.REJECTED):
        quota_release(application=application)
    if to_status == S.APPROVED:
        on_approved = PROCEDURES[application.rule_id].on_approved
        if on_approved is not None:
            on_approved(application)
    if notify:
        notify_moved([application], transition, comments={application.pk: comment})


def do_transition(
    *,
    user: User | None,
    application: Application,
    transition: workflow.Transition,
    comment: str = "",
    data: dict | None = None,
) -> Application:
    """Write a transition that check_transition allowed. The caller holds the row lock."""
    event, fields = move(user=user, application=application, transition=transition, comment=comment, data=data)
    application.save(update_fields=fields)
    event.save()
    after_move(application, transition, comment=event.comment)
    return application


_NOTIFY_ON = {
    "route": "您的申请 {ref} 已提交，{status}。",
    "approve": "您的申请 {ref} 已通过{level}审核，{status}。",
    "return": "您的申请 {ref} 被退回补正。",
    "reject": "您的申请 {ref} 未通过审核。",
    "mark_paid": "您的申请 {ref} 已给付。",
    "mark_repaid": "您的申请 {ref} 已重新给付。",
    "payment_failed": "您的申请 {ref} 的给付未能到账，将重新给付。",
    "payment_failed_closed": "您的申请 {ref} 的给付未能到账，将重新给付。",
}


def notify_moved(applications: list[Application], transition: workflow.Transition, *, comments: dict) -> None:
    """Tell each applicant where their application now stands, in one INSERT (a booking batch is
    notified after its commit: it holds no lock while the notices are written)."""
    template = _NOTIFY_ON.get(transition.action)
    if template is None:
        return
    notices = []
    for application in applications:
        level = ""
        if transition.action == "approve":
            last = application.events.filter(action="approve").order_by("-pk").first()
            level = workflow.ReviewLevel(last.level).label if last and last.level else ""
        status = ApplicationStatus(application.status).label
        title = template.format(ref=application.reference, status=status, level=level)
        body = comments.get(application.pk, "")
        notices.extend(
            Notification(recipient=user, title=title, body=body, application=application)
            for user in applicant_users(application)
            if user
        )
    Notification.objects.bulk_create(notices)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant_member", "applicant_member__user", "created_by")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_transition(*, user: User, application: Application, action: str, comment: str = "") -> Application:
    """Check and perform one transition (approve, return, reject, withdraw, cancel, close).

    The payout steps (mark_paid, mark_repaid, payment_failed) are not doors of one application: they go
    through payout batches (application_payout_step), one person preparing, another confirming."""
    if action in ("submit", "route"):
        raise TransitionNotAllowed("请使用提交申请功能。")
    transition = workflow.TRANSITIONS.get(action)
    if transition is not None and transition.actor == workflow.PAYOUTS:
        raise TransitionNotAllowed(workflow.PAYOUTS_ONLY.format(action=transition.label))
    locked = _lock(application)
    transition = check_transition(user=user, application=locked, action=action, comment=comment)
    return do_transition(user=user, application=locked, transition=transition, comment=comment)


def application_payout_step(
    *, user: User, application: Application, action: str, comment: str = "", data: dict | None = None
) -> Application:
    """mark_paid / payment_failed …, for the payouts app alone (inside its batch's transaction,
    after its own maker-checker checks)."""
    transition = workflow.TRANSITIONS[action]
    if transition.actor != workflow.PAYOUTS:
        raise TransitionNotAllowed(f"未知操作：{action}")
    locked = _lock(application)
    check_transition(user=user, application=locked, action=action, comment=comment)
    return do_transition(user=user, application=locked, transition=transition, comment=comment, data=data)


def applications_payout_step_in_bulk(
    *,
    user: User,
    applications: QuerySet[Application],
    action: str,
    comment: str = "",
    data: dict | None = None,
    also: tuple[str, str, list] | None = None,
) -> QuerySet[Application]:
    """mark_paid / mark_repaid / payment_failed … for many applications at once (payouts alone, inside its batch's
    transaction): the same transition table, checked once for the actor and, for every row, in the
    UPDATE's WHERE (workflow.allowed_in_bulk), so a row no longer in the expected state is left alone.

    One statement: the UPDATE of the status (only the columns that change; none of them is indexed,
    so the rows are HOT updates: projects.models.Application) and, from the rows it returns, one
    INSERT each for the events, the audit history (simple-history rows, as a save() would write
    them) and, for the steps that tell the applicant, the notifications.
    Returns the applications this call moved (marked by the status and the instant it set: rows
    of other transactions are not visible before they commit, and no two share an instant).

    `also` (FromMoved): the caller's own writes from the moved rows (payouts writes a batch's payments
    from them, in the same pass), whose one row of results is put on the returned queryset as `.also`
    (None if nothing moved).

    The embedded SQLite (make run) has no writable CTEs: there the same statements run one after the
    other over a temporary table `moved` of the rows as the UPDATE left them (_step_without_ctes)."""
    transition = workflow.TRANSITIONS[action]
    if transition.actor != workflow.PAYOUTS or len(transition.sources) != 1 or transition.target is None:
        raise TransitionNotAllowed(f"未知操作：{action}")
    if not workflow.may_perform_in_bulk(user, transition):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action=transition.label))
    (from_status,) = transition.sources
    to_status = transition.target
    now = timezone.now()
    changes = {"status": to_status, "status_changed_at": now, "updated_at": now}
    if to_status == S.PAID:
        changes["paid_at"] = now
    elif to_status == S.PAYMENT_FAILED:  # the money did not arrive: not paid, until a batch pays it again
        changes["paid_at"] = None
    comment = comment.strip()
    quote = connection.ops.quote_name
    table = quote(Application._meta.db_table)
    sets, params = [], []
    for name, value in changes.items():
        field = Application._meta.get_field(name)
        sets.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))  # SQLite keeps times as naive UTC text
    when = connection.ops.adapt_datetimefield_value(now)
    chosen = applications.filter(workflow.allowed_in_bulk(transition))
    if len(chosen.query.alias_map) > 1:  # joins: by id from a subquery; else its WHERE as is (ids, states)
        chosen = Application.objects.filter(workflow.allowed_in_bulk(transition), pk__in=applications.values("pk"))
    try:
        where, where_params = where_of(chosen)
    except EmptyResultSet:
        none = Application.objects.none()
        none.also = None
        return none
    inserts = [_event_rows(transition, user=user, comment=comment, data=data, when=when), _history_rows(user, when)]
    if transition.action in _NOTIFY_ON:
        inserts.append(_notification_rows(transition, comment=comment, when=when))
    if connection.vendor != "postgresql":
        row = _step_without_ctes(", ".join(sets), params, where, where_params, inserts, also)
    else:
        statement = [f"WITH moved AS (UPDATE {table} SET {', '.join(sets)} WHERE {where} RETURNING {table}.*)"]
        params += where_params
        for i, (sql, insert_params) in enumerate(inserts):
            statement.append(f", w{i} AS ({sql})")
            params += insert_params
        also_select = ""
        if also is not None:
            statement.append(f", {also.ctes}")
            params += also.params
            also_select = f", {also.select}"
        statement.append(f" SELECT (SELECT count(*) FROM moved){also_select}")
        with connection.cursor() as cursor:
            cursor.execute("".join(statement), params)
            row = cursor.fetchone()
    if not row[0]:
        moved = Application.objects.none()
        moved.also = None
        return moved
    moved = Application.objects.filter(status=to_status, status_changed_at=now)
    moved.also = tuple(row[1:])
    return moved


class FromMoved(NamedTuple):
    """A caller's writes from the rows a bulk step moved: `ctes` (after the step's own, reading
    `moved`) and `select` (its results, one row) in the step's one statement on PostgreSQL;
    `statements(cursor)`, the same writes as statements over the temporary table `moved`, returning
    the same results, where a CTE cannot write (the embedded SQLite)."""

    ctes: str
    select: str
    params: list
    statements: Callable[[Any], tuple]


def _step_without_ctes(
    sets: str, set_params: list, where: str, where_params: list, inserts: list[tuple[str, list]], also
) -> tuple:
    """The bulk step on a database without writable CTEs (SQLite, whose writes are serialised): the
    ids chosen, the UPDATE of just those, the moved rows as the UPDATE left them copied into a
    temporary table `moved`, then each INSERT over it. Returns (count moved, *also's results)."""
    table = connection.ops.quote_name(Application._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {table}.id FROM {table} WHERE {where}", where_params)
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return (0,)
        chosen, listed = f"{table}.id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
        cursor.execute(f"UPDATE {table} SET {sets} WHERE {chosen}", [*set_params, *listed])
        cursor.execute("DROP TABLE IF EXISTS temp.moved")
        cursor.execute(f"CREATE TEMP TABLE moved AS SELECT * FROM {table} WHERE {chosen}", listed)
        try:
            for sql, insert_params in inserts:
                cursor.execute(sql, insert_params)
            results = also.statements(cursor) if also is not None else ()
        finally:
            cursor.execute("DROP TABLE temp.moved")
    return (len(ids), *results)


def where_of(queryset: QuerySet) -> tuple[str, list]:
    """A queryset's WHERE on its own table's columns, as SQL for an UPDATE of that table or a
    statement that reads it unaliased (an id list stays a list the planner reads as ids: with a
    subquery it was planned on stale statistics). Raises EmptyResultSet for a WHERE that matches nothing."""
    query = queryset.order_by().query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


def _insert_into(model, columns: list[str], select: str, params: list) -> tuple[str, list]:
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params


def _event_rows(transition: workflow.Transition, *, user: User, comment: str, data: dict | None, when):
    """One event per moved application."""
    (from_status,) = transition.sources
    columns = ["application", "action", "from_status", "to_status", "level", "actor", "comment", "data", "created_at"]
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    select = f"SELECT moved.id, %s, %s, %s, '', %s, %s, %s{cast}, %s FROM moved"
    params = [transition.action, from_status, transition.target, user.pk, comment, json.dumps(data or {}), when]
    return _insert_into(ApplicationEvent, columns, select, params)


def _history_rows(user: User | None, when):
    """The simple-history rows a save() of each application would write ("~" changed, by `user`),
    from the rows as the UPDATE left them."""
    history = Application.history.model
    quote = connection.ops.quote_name
    columns, values, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.name == "history_id":
            continue
        columns.append(field.name)
        if field.name == "history_date":
            values.append("%s")
            params.append(when)
        elif field.name == "history_type":
            values.append("'~'")
        elif field.name == "history_user":
            values.append("%s")
            params.append(user.pk if user else None)
        elif field.name == "history_change_reason":
            values.append("NULL")
        else:
            values.append(f"moved.{quote(field.column)}")
    return _insert_into(history, columns, f"SELECT {', '.join(values)} FROM moved", params)


def _notification_rows(transition: workflow.Transition, *, comment: str, when):
    """The applicant's notification (the member's account, or whoever made an organisation's application)."""
    head, tail = _NOTIFY_ON[transition.action].split("{ref}")
    tail = tail.format(status=ApplicationStatus(transition.target).label)
    quote = connection.ops.quote_name
    member = Application._meta.get_field("applicant_member").related_model
    # The member's account by its primary key, row by row: a chunk's few thousand probes, not a hash
    # of every member built for each chunk.
    account = f"(SELECT m.user_id FROM {quote(member._meta.db_table)} m WHERE m.id = moved.applicant_member_id)"
    recipient = f"CASE WHEN moved.applicant_member_id IS NOT NULL THEN {account} ELSE moved.created_by_id END"
    select = (
        f"SELECT r.recipient, r.id, %s || r.reference || %s, %s, '', %s FROM (SELECT moved.id, moved.reference, "
        f"{recipient} AS recipient FROM moved) r WHERE r.recipient IS NOT NULL"
    )
    columns = ["recipient", "application", "title", "body", "link", "created_at"]
    # blank link: the inbox links the application (Notification.link)
    return _insert_into(Notification, columns, select, [head, tail, comment, when])


# --- reviewer facts (projects.services.review_facts supplies them) -----------------------


def reviewer_facts(application: Application, level: str | None = None) -> list[Fact]:
    """The reviewer facts of the application's rule (for one level, or all)."""
    try:
        schema = registry.get(application.rule_id, application.policy_year).schema
    except registry.UnknownRule:
        return []
    return [f for f in schema.of_source("reviewer") if level is None or f.reviewer == level]


def facts_due(application: Application) -> list[Fact]:
    """Reviewer facts the current level must supply before it approves."""
    level = workflow.current_level(application)
    if level is None:
        return []
    return [f for f in reviewer_facts(application, level.value) if application.facts.get(f.name) in (None, "")]


def check_facts_supplied(application: Application) -> None:
    """Raised by approval: the current level's reviewer facts are not all filled in yet."""
    due = [f for f in facts_due(application) if f.required or _pending_on(application, f)]
    if due:
        raise TransitionNotAllowed(FACTS_REQUIRED.format(labels="、".join(f.label for f in due)), field="facts")


def _pending_on(application: Application, fact: Fact) -> bool:
    reasons = application.decision.get("reasons", ())
    return any(r.get("ok") is None and r.get("reviewer") == fact.reviewer for r in reasons)
