"""Reads for the batch page and the reports (the numbers come from the ledger, nothing else)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from members.identity import mask_id_number
from projects.labels import payer_label
from projects.models import Application, ApplicationStatus

from .models import Payment, PaymentRoute, PaymentStatus, PayoutBatch, PayoutBatchStatus

PAGE_PAYMENTS = 200
DUE_SOON_DAYS = 14


def waiting_payments(application, **where) -> QuerySet[Payment]:
    """An application's payments waiting in a batch (pending): what holds it (projects.workflow.is_held)."""
    return Payment.objects.filter(application=application, status=PaymentStatus.PENDING, **where)


def payable_applications() -> QuerySet[Application]:
    """Approved applications with money to pay that no payout batch holds yet: none of their
    payments waits in a batch (a cancelled batch's rows are free to be moved into the next one)."""
    return Application.objects.filter(
        ~Exists(waiting_payments(OuterRef("pk"))), status=ApplicationStatus.APPROVED, amount__gt=0
    )


def holding_batch(application: Application) -> str | None:
    """The reference of the batch a payment of this application waits in (projects.workflow.is_held)."""
    return waiting_payments(application).values_list("batch__reference", flat=True).first()


def batch_page(batch: PayoutBatch) -> dict:
    """Progress, totals by payer and route, the files, the first payments and the due dates."""
    statuses = dict(PaymentStatus.choices)
    routes = dict(PaymentRoute.choices)
    counts = dict(batch.payments.values_list("status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    done = total - counts.get(PaymentStatus.PENDING, 0)
    by_payer_route = [
        {"payer": payer_label(payer), "route": routes.get(route, route), "n": n, "amount": amount}
        for payer, route, n, amount in batch.payments.values_list("payer", "route")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by("payer", "route")
    ]
    payments = [
        {
            "reference": p.reference,
            "application": p.application.reference,
            "payee": p.application.applicant_name,
            "id_number": mask_id_number(p.application.applicant_member.id_number)
            if p.application.applicant_member_id
            else "",
            "amount": p.amount,
            "route": p.get_route_display(),
            "payer": payer_label(p.payer),
            "status": p.get_status_display(),
        }
        for p in batch.payments.select_related(
            "application", "application__applicant_member", "application__applicant_organisation"
        ).order_by("application_id", "payer")[:PAGE_PAYMENTS]
    ]
    return {
        "progress": {
            "total": total,
            "done": done,
            "percent": int(done * 100 / total) if total else 0,
            "by_status": [(statuses[s], counts[s]) for s in PaymentStatus.values if counts.get(s)],
        },
        "by_payer_route": by_payer_route,
        "payments": payments,
        "payments_shown": PAGE_PAYMENTS,
        "files": list(batch.files.order_by("route", "kind")),
        "due": due_dates(batch),
    }


def due_dates(batch: PayoutBatch) -> dict:
    """Applications of the batch with a payout due date (2021 basic coverage: 90/60/30 days from
    complete materials) not paid yet: overdue, and due within DUE_SOON_DAYS."""
    today = timezone.localdate()
    unpaid = Application.objects.filter(Exists(waiting_payments(OuterRef("pk"), batch=batch)), payout_due__isnull=False)
    soon = today + timezone.timedelta(days=DUE_SOON_DAYS)
    return {
        "overdue": list(
            unpaid.filter(payout_due__lt=today).order_by("payout_due").values_list("reference", "payout_due")[:50]
        ),
        "soon": list(
            unpaid.filter(payout_due__gte=today, payout_due__lte=soon)
            .order_by("payout_due")
            .values_list("reference", "payout_due")[:50]
        ),
        "days": DUE_SOON_DAYS,
    }


def payout_report(*, start, end) -> list[dict]:
    """Per payer, for applications decided in [start, end] (local dates): approved, batched, sent,
    confirmed and failed amounts, every figure a sum over the ledger (approved: the frozen shares of
    approved applications no batch holds yet)."""
    from projects.models import ApplicationShare

    rows: dict[str, dict] = {}

    def row(payer):
        return rows.setdefault(
            payer,
            {"payer": payer_label(payer), **{k: [0, Decimal("0.00")] for k in ("approved", *PaymentStatus.values)}},
        )

    decided = Q(application__decided_at__date__gte=start, application__decided_at__date__lte=end)
    waiting = (
        ApplicationShare.objects.filter(
            ~Exists(waiting_payments(OuterRef("application"))),
            decided,
            application__status=ApplicationStatus.APPROVED,
            application__amount__gt=0,
        )
        .exclude(payer="personal")
        .values_list("payer")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by()
    )
    for payer, n, amount in waiting:
        row(payer)["approved"] = [n, amount]
    ledger = (
        Payment.objects.filter(decided)
        .values_list("payer", "status")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by()
    )
    for payer, status, n, amount in ledger:
        row(payer)[status] = [n, amount]
    return [rows[k] for k in sorted(rows)]


def stalled_batches(quiet: timedelta = timedelta(minutes=2)) -> list[int]:
    """Batches paying, confirmed a while ago, with no payment sent lately: their task is gone (a task
    at work sends a chunk every few seconds, and is left alone)."""
    since = timezone.now() - quiet
    recent = Payment.objects.filter(batch=OuterRef("pk"), sent_at__gte=since)
    return list(
        PayoutBatch.objects.filter(status=PayoutBatchStatus.PAYING, confirmed_at__lt=since)
        .exclude(Exists(recent))
        .values_list("pk", flat=True)
    )
