"""Celery tasks: thin, the services decide (payouts.services.payout_batch_process)."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .selectors import stalled_batches
from .services import payout_batch_process


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
)
def pay_batch(batch_id: int) -> None:
    """Pay a confirmed batch (chunks, then its files). Safe to run again or twice at once: every
    statement touches only rows still in the expected state, under the batch's row lock."""
    payout_batch_process(batch_id=batch_id)


@shared_task(ignore_result=True)
def resume_payout_batches() -> None:
    """Every minute (beat): a confirmed batch still paying whose task was lost with its worker is
    picked up again (running beside a live task would be harmless, only wasted work)."""
    for batch_id in stalled_batches():
        pay_batch.apply_async(args=[batch_id], queue=settings.PAYOUT_QUEUE)
