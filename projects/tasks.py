"""Celery tasks: thin, the services decide (projects.services.queue)."""

from celery import shared_task
from django.conf import settings

from .services.queue import active_pools, queue_drain


@shared_task(acks_late=True, ignore_result=True)
def allocate_first_come(pool_id: int) -> None:
    """Allocate a first-come pool's queue in arrival order. Safe to run twice or at once: the pool's
    row lock makes runs take turns and each request's outcome is written once (QueuedBooking)."""
    queue_drain(pool_id=pool_id, seconds=settings.FIRST_COME_TASK_SECONDS)


@shared_task(ignore_result=True)
def allocate_first_come_queues() -> None:
    """Every few seconds (beat): pools with requests waiting whose task was lost or whose worker died."""
    for pool_id in active_pools():
        allocate_first_come.delay(pool_id)
