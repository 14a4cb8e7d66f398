"""Payout batches over the payment ledger: maker-checker, each benefit paid exactly once.

prepare (district staff A): one Payment row per application × benefit × payer of the payable
applications (the frozen split, personal shares left out) in one INSERT … SELECT, which share-locks
the applications it reads (a colleague's close or recalculation of one of them waits, or is waited
for and leaves it out). The ledger's unique key makes a second payment impossible in the database,
and a payment waiting in a batch holds its application (projects.workflow.is_held): nothing else can
close, cancel or recalculate it until the batch is paid or cancelled. Applications keep their status.

confirm (district staff B ≠ A): the batch becomes "paying" and a Celery task is queued after the
commit (payouts.tasks.pay_batch); the request returns at once. The task (payout_batch_process)
works through the batch in chunks of application ids, one transaction each: applications approved →
paid (and payment_failed → paid for a re-payment) through the workflow in bulk (events, history and
notifications INSERT … SELECT) and, in the same statement, exactly those applications' payments
pending → sent; then it writes the payment files (payouts.files). Every statement only touches rows
still in the expected state, so a task killed mid-batch, retried or run twice at once pays each
payment once. cancel: the payments cancelled (a later batch moves their rows); a re-payment's go
back to failed or returned. prepare_failed: reconciliation's failed and returned payments into a new
batch, their applications payment_failed (where they were still paid, or closed, moved there first).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from members.models import User
from members.selectors import is_district_staff
from projects.models import Application, ApplicationShare, ApplicationStatus
from projects.services.transitions import FromMoved, applications_payout_step_in_bulk, where_of

from .models import Payment, PaymentRoute, PaymentStatus, PayoutBatch, PayoutBatchStatus
from .selectors import payable_applications

DISTRICT_ONLY = "只有区总工会工作人员可以办理给付批次。"
NOTHING_TO_PAY = "所选申请中没有可给付的已批准申请（须为已批准、金额大于0、未在其他批次中）。"
SAME_PERSON = "制单人不能复核自己制作的给付批次（职责分离）。"
NOT_PREPARED = "只有待复核的批次可以确认或作废。"
ALREADY_PAID = "有申请的给付已在账（已发出或已到账），整批未生成：{references}。"
NOTHING_FAILED = "没有失败或退回的给付需要重新给付。"
ITEMS_CHANGED = "以下申请的状态或金额与批次不一致，整批未确认：{references}。请作废本批次后重新制单。"

ANALYZE_FROM = 1000  # payments in one batch from which prepare refreshes the ledger's statistics
PERSONAL = "personal"  # subsidies.rules.core.Payer.PERSONAL: the member's own part, nobody pays it out
S = ApplicationStatus
P = PaymentStatus


def _district_only(user: User) -> None:
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)


def _ids(applications: QuerySet | Iterable) -> list[int] | QuerySet:
    if isinstance(applications, QuerySet):
        return applications.values("pk")
    return [a if isinstance(a, int) else a.pk for a in applications]


@transaction.atomic
def payout_batch_prepare(*, user: User, applications: QuerySet | Iterable, note: str = "") -> PayoutBatch:
    """Gather approved, positive applications no batch holds into a batch for a colleague to
    confirm: their Payment rows, set-based, which hold them while the batch waits."""
    _district_only(user)
    batch = PayoutBatch(total=Decimal("0.00"), prepared_by=user, note=note, reference="")
    batch._history_user = user
    batch.save()
    batch.reference = f"GF{timezone.localdate():%Y%m%d}{batch.pk:06d}"
    chosen = _payable(applications)
    try:
        with transaction.atomic():  # a savepoint: most batches meet no earlier ledger row
            expected, written, total = _insert_payments(batch, chosen, reuse=False)
    except IntegrityError:
        # A payment of one of them is on the ledger already (a cancelled batch's, to be moved into
        # this one, or one on its way or paid, to be refused): the same pass, ON CONFLICT.
        expected, written, total = _insert_payments(batch, chosen, reuse=True)
    if not expected:
        raise ValidationError(NOTHING_TO_PAY)
    if written != expected:  # a payment of one of them is already on the ledger and not cancelled
        taken = (
            ApplicationShare.objects.filter(application__in=_ids(applications), application__status=S.APPROVED)
            .exclude(payer=PERSONAL)
            .filter(
                Exists(
                    Payment.objects.filter(application=OuterRef("application"), payer=OuterRef("payer"))
                    .exclude(batch=batch)
                    .exclude(status=P.CANCELLED)
                )
            )
        )
        references = taken.values_list("application__reference", flat=True)[:20]
        raise ValidationError(ALREADY_PAID.format(references="、".join(references)))
    batch.total = total
    batch.save(update_fields=["reference", "total"])  # the audit's row names the batch and its total
    if written >= ANALYZE_FROM and connection.vendor == "postgresql":
        # The planner's statistics still call the ledger's new rows absent: confirm's check and each
        # of the task's chunks then scanned the whole batch (a bitmap scan and a sort per chunk, 20
        # of them at 100,000). ANALYZE in this transaction counts its own rows (and rolls back with it).
        with connection.cursor() as cursor:
            columns = ", ".join(_quote(c) for c in ("batch_id", "status", "application_id"))  # what they filter on
            cursor.execute(f"ANALYZE {_quote(Payment._meta.db_table)} ({columns})")
    return batch


def _payable(applications: QuerySet | Iterable) -> QuerySet:
    """The selection's payable applications: a plain queryset of applications keeps its own WHERE (no
    second pass over the table to match ids), anything else by id."""
    query = getattr(applications, "query", None)
    if (
        isinstance(applications, QuerySet)
        and applications.model is Application
        and not query.is_sliced
        and not query.distinct
        and len(query.alias_map) <= 1
    ):
        return payable_applications() & applications.order_by()
    return payable_applications().filter(pk__in=_ids(applications))


def _insert_payments(batch: PayoutBatch, chosen: QuerySet, *, reuse: bool) -> tuple[int, int, Decimal]:
    """The batch's payments from the chosen applications' shares (the frozen split, personal shares
    left out), in one statement on PostgreSQL. Returns (shares, payments written or moved into the
    batch, their total): written < shares when a share's payment is already on the ledger and not
    cancelled. reuse=False: a plain INSERT (an earlier row of one of them raises IntegrityError);
    reuse=True: a cancelled batch's row is moved into this one (the ledger keeps one row per
    application × benefit × payer), one on its way or paid is left.

    The route from the frozen decision: an organisation is paid to its account, a benefit the rules
    route to the district's account goes there, everything else to the card. The applications read
    are share-locked (FOR SHARE): a close or recalculation holding one (FOR UPDATE) is waited for,
    and the row is then read again and left out if it is no longer payable; one that comes after
    waits for this batch and finds it held. RETURNING only the amount (the batch's total)."""
    quote = _quote
    table = quote(Application._meta.db_table)
    payment = quote(Payment._meta.db_table)
    share = quote(ApplicationShare._meta.db_table)
    columns = [
        "application_id",
        "benefit",
        "payer",
        "amount",
        "route",
        "status",
        "batch_id",
        "bank_reference",
        "failure_reason",
        "created_at",
    ]
    names = ", ".join(quote(c) for c in columns)
    try:
        where, where_params = where_of(chosen)
    except EmptyResultSet:  # an empty selection (pk__in=[])
        return 0, 0, Decimal("0.00")
    lock = f" FOR SHARE OF {table}" if connection.features.has_select_for_update else ""
    select = (
        f"SELECT sh.{quote('application_id')}, {table}.{quote('rule_id')}, sh.{quote('payer')}, sh.{quote('amount')}, "
        f"CASE WHEN {table}.{quote('applicant_organisation_id')} IS NOT NULL THEN %s "
        f"WHEN {table}.{quote('decision')} ->> 'route' = %s THEN %s ELSE %s END, "
        f"%s, %s, '', '', %s FROM {table} JOIN {share} sh ON sh.{quote('application_id')} = {table}.{quote('id')} "
        f"WHERE sh.{quote('payer')} <> %s AND ({where}){lock}"
    )
    params = [
        PaymentRoute.UNIT_ACCOUNT.value,
        "district_account",
        PaymentRoute.DISTRICT_ACCOUNT.value,
        PaymentRoute.MEMBER_CARD.value,
        P.PENDING.value,
        batch.pk,
        timezone.now(),
        PERSONAL,
        *where_params,
    ]
    conflict = ""
    if reuse:
        conflict = (
            f"ON CONFLICT ({quote('application_id')}, {quote('benefit')}, {quote('payer')}) DO UPDATE SET "
            f"{quote('batch_id')} = excluded.{quote('batch_id')}, {quote('status')} = excluded.{quote('status')}, "
            f"{quote('amount')} = excluded.{quote('amount')}, {quote('route')} = excluded.{quote('route')}, "
            f"{quote('file_id')} = NULL, {quote('created_at')} = excluded.{quote('created_at')}, "
            f"{quote('sent_at')} = NULL WHERE {payment}.{quote('status')} = '{P.CANCELLED.value}'"
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH s AS MATERIALIZED ({select}), "
                f"p AS (INSERT INTO {payment} ({names}) SELECT * FROM s {conflict} RETURNING {quote('amount')}) "
                "SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM p), (SELECT coalesce(sum(amount), 0) FROM p)",
                params,
            )
            shares, written, total = cursor.fetchone()
            return shares, written, Decimal(total)
        # The embedded SQLite (no writable CTEs; its writes are serialised): the same rows, statement by statement.
        cursor.execute(f"SELECT count(*) FROM ({select}) s", params)
        (shares,) = cursor.fetchone()
        cursor.execute(f"INSERT INTO {payment} ({names}) {select} {conflict}", params)
        written = cursor.rowcount
    total = Payment.objects.filter(batch=batch).aggregate(total=Sum("amount"))["total"]
    return shares, written, total or Decimal("0.00")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@transaction.atomic
def payout_batch_prepare_failed(*, user: User, note: str = "") -> PayoutBatch:
    """Failed and returned payments (reconciliation) into a new batch for a colleague to confirm:
    their ledger rows move (the same row per application × benefit × payer, pending again) and hold
    their applications, which wait as payment_failed; paying the batch marks them paid again. A
    failed payment whose application is still paid (failed before reconciliation moved applications)
    or was closed (办结) after it was paid is first moved to payment_failed; one whose application is
    in none of these states is left out."""
    _district_only(user)
    failed = Payment.objects.filter(status__in=[P.FAILED, P.RETURNED])
    has_failed = Exists(failed.filter(application=OuterRef("pk")))
    for action in ("payment_failed", "payment_failed_closed"):
        applications_payout_step_in_bulk(
            user=user,
            applications=Application.objects.filter(has_failed),
            action=action,
            comment="给付失败或退回，待重新给付",
        )
    waiting = failed.filter(application__status=S.PAYMENT_FAILED)
    if not waiting.exists():
        raise ValidationError(NOTHING_FAILED)
    batch = PayoutBatch(total=Decimal("0.00"), prepared_by=user, note=note or "重新给付失败、退回的款项", reference="")
    batch._history_user = user
    batch.save()
    batch.reference = f"GF{timezone.localdate():%Y%m%d}{batch.pk:06d}"
    if not waiting.update(
        batch=batch, status=P.PENDING, resent_from=F("status"), file=None, sent_at=None, settled_at=None
    ):
        raise ValidationError(NOTHING_FAILED)  # a colleague's batch took them first
    batch.total = batch.payments.aggregate(total=Sum("amount"))["total"]
    batch.save(update_fields=["reference", "total"])
    return batch


@transaction.atomic
def payout_batch_confirm(*, user: User, batch: PayoutBatch) -> PayoutBatch:
    """The checker confirms: the batch is "paying" and its task is queued after the commit. The
    task marks every application paid; refused as a whole if any is no longer as the batch was
    prepared: approved (payment_failed, for a payment sent again) with the amounts it was prepared
    with. The hold keeps them so; this is the check that the hold held."""
    _district_only(user)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutBatchStatus.PREPARED:
        raise ValidationError(NOT_PREPARED)
    if batch.prepared_by_id == user.pk:
        raise ValidationError(SAME_PERSON)
    same_share = ApplicationShare.objects.filter(
        application=OuterRef("application"), payer=OuterRef("payer"), amount=OuterRef("amount")
    )
    as_prepared = Q(resent_from="", application__status=S.APPROVED) | (
        ~Q(resent_from="") & Q(application__status=S.PAYMENT_FAILED)
    )
    changed = list(
        batch.payments.filter(status=P.PENDING)
        .filter(~as_prepared | ~Exists(same_share))
        .values_list("application__reference", flat=True)
        .distinct()[:20]
    )
    if changed:
        raise ValidationError(ITEMS_CHANGED.format(references="、".join(changed)))
    batch.status = PayoutBatchStatus.PAYING
    batch.confirmed_by, batch.confirmed_at = user, timezone.now()
    batch._history_user = user
    batch.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    batch_id = batch.pk
    transaction.on_commit(lambda: _enqueue(batch_id))
    return batch


def _enqueue(batch_id: int) -> None:
    from .tasks import pay_batch

    pay_batch.apply_async(args=[batch_id], queue=settings.PAYOUT_QUEUE)


def payout_batch_process(*, batch_id: int, chunk: int | None = None) -> bool:
    """The task's work: pay a confirmed batch chunk by chunk, then make its files. Safe to repeat or
    run twice at once (the batch's row lock makes chunks take turns; each statement touches only
    applications still approved or payment_failed and payments still pending). Returns True when the
    batch is done (or was already)."""
    from .files import payment_files_make

    chunk = chunk or settings.PAYOUT_CHUNK
    after = 0  # this run's chunks go up the batch's applications (a run that starts over starts at 0)
    steps = None
    while True:
        with transaction.atomic():
            batch = PayoutBatch.objects.select_for_update().filter(pk=batch_id).first()
            if batch is None or batch.status != PayoutBatchStatus.PAYING:
                return batch is not None and batch.status == PayoutBatchStatus.CONFIRMED
            ids = list(
                batch.payments.filter(status=P.PENDING, application_id__gt=after)
                .order_by("application_id")
                .values_list("application_id", flat=True)[:chunk]
            )
            if not ids:
                break
            if steps is None:  # a batch of first payments, of payments sent again, or both
                resent = batch.payments.filter(status=P.PENDING).exclude(resent_from="")
                steps = ("mark_paid", "mark_repaid") if resent.exists() else ("mark_paid",)
            _pay_chunk(batch, ids, steps)
            after = ids[-1]
        pause = settings.PAYOUT_CHUNK_PAUSE
        if pause:
            import time

            time.sleep(pause)
    payment_files_make(batch_id=batch_id)
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == PayoutBatchStatus.PAYING:
            batch.status = PayoutBatchStatus.CONFIRMED
            batch._history_user = batch.confirmed_by
            batch.save(update_fields=["status"])
    return True


def _pay_chunk(batch: PayoutBatch, application_ids: list[int], steps: tuple[str, ...]) -> None:
    """One transaction: the chunk's applications → paid and, in the same statement, their payments
    in this batch pending → sent (only for the applications the step moved: one changed behind the
    hold's back keeps its payment pending). The applications by primary key, not a subquery on the
    ledger: right after a large prepare the planner's statistics still think the ledger is empty."""
    low, high = application_ids[0], application_ids[-1]
    # The ids as one array (not thousands of placeholders), within the chunk's range of the primary
    # key, so the UPDATE reads the chunk's rows by index, not the whole table once per chunk.
    ids = sorted(set(application_ids))
    if connection.vendor == "postgresql":
        in_chunk = RawSQL(
            f"{_quote(Application._meta.db_table)}.{_quote('id')} = ANY(%s::bigint[])",
            [ids],
            output_field=BooleanField(),
        )
    else:  # the embedded SQLite has no arrays (and demo-sized chunks)
        in_chunk = Q(pk__in=ids)
    for action in steps:
        applications_payout_step_in_bulk(
            user=batch.confirmed_by,
            applications=Application.objects.filter(in_chunk, pk__gte=low, pk__lte=high),
            action=action,
            comment=f"给付批次 {batch.reference}",
            data={"batch": batch.reference},
            also=_payments_sent(batch),
        )


def _payments_sent(batch: PayoutBatch) -> FromMoved:
    """The moved applications' payments in this batch, pending → sent (a CTE over `moved`)."""
    quote = _quote
    payment = quote(Payment._meta.db_table)
    sets = f"{quote('status')} = %s, {quote('sent_at')} = %s"
    mine = f"{payment}.{quote('batch_id')} = %s AND {payment}.{quote('status')} = %s"
    params = [P.SENT.value, connection.ops.adapt_datetimefield_value(timezone.now()), batch.pk, P.PENDING.value]
    ctes = (
        f"sent AS (UPDATE {payment} SET {sets} FROM moved WHERE {payment}.{quote('application_id')} = moved.id "
        f"AND {mine} RETURNING 1)"
    )

    def statements(cursor) -> tuple:  # the embedded SQLite: over the temporary table `moved`
        cursor.execute(
            f"UPDATE {payment} SET {sets} WHERE {mine} AND {quote('application_id')} IN (SELECT id FROM moved)", params
        )
        return (cursor.rowcount,)

    return FromMoved(ctes, "(SELECT count(*) FROM sent)", params, statements)


@transaction.atomic
def payout_batch_cancel(*, user: User, batch: PayoutBatch) -> PayoutBatch:
    """A prepared batch is withdrawn: its payments are cancelled (the next batch moves their rows),
    a re-sent payment gets back its own outcome (failed or returned, as reconciliation left it), and
    so its application is free again: approved, ready for another batch, or waiting for re-payment."""
    _district_only(user)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutBatchStatus.PREPARED:
        raise ValidationError(NOT_PREPARED)
    batch.payments.filter(status=P.PENDING).exclude(resent_from="").update(status=F("resent_from"))
    batch.payments.filter(status=P.PENDING).update(status=P.CANCELLED)
    batch.status = PayoutBatchStatus.CANCELLED
    batch._history_user = user
    batch.save(update_fields=["status"])
    return batch


def batch_progress(batch: PayoutBatch) -> dict[str, int]:
    """Payments of the batch by status (the batch page's progress)."""
    counts = dict(batch.payments.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in P.values}
