"""Writes for applications. Portal, admin, API and Celery tasks call these."""
