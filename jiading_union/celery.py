import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiading_union.settings.production")

app = Celery("jiading_union")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
