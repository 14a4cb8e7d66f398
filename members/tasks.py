"""Celery tasks: thin, the services decide."""

from celery import shared_task

from .passwords_reset import password_code_issue


@shared_task(ignore_result=True)
def send_password_code(identifier: str) -> None:
    """Look the member up and text a code, away from the request that asked (its answer and
    timing must not depend on whether the member exists). A duplicate delivery is harmless:
    a member gets at most one code a minute."""
    password_code_issue(identifier=identifier)


# Spreadsheet imports and exports (jiading_union/imports.py, exports.py): each task takes the job's id
# and does nothing unless the job is still in the state it expects, so a retry is harmless.


@shared_task(ignore_result=True)
def spreadsheet_import_check(job_id: int) -> None:
    from jiading_union.imports import import_job_check

    import_job_check(job_id=job_id)


@shared_task(ignore_result=True)
def spreadsheet_import_run(job_id: int) -> None:
    from jiading_union.imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task(ignore_result=True)
def spreadsheet_export_run(job_id: int) -> None:
    from jiading_union.exports import export_job_run

    export_job_run(job_id=job_id)


@shared_task(ignore_result=True)
def spreadsheet_job_files_purge() -> int:
    from jiading_union.imports import spreadsheet_job_files_purge as purge

    return purge()
