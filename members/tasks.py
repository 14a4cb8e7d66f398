"""Celery tasks: thin, the services decide."""

from celery import shared_task

from .passwords_reset import password_code_issue


@shared_task(ignore_result=True)
def send_password_code(identifier: str) -> None:
    """Look the member up and text a code, away from the request that asked (its answer and
    timing must not depend on whether the member exists). A duplicate delivery is harmless:
    a member gets at most one code a minute."""
    password_code_issue(identifier=identifier)
