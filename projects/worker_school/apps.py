from django.apps import AppConfig


class WorkerSchoolConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.worker_school"
    label = "worker_school"
    verbose_name = "上海职工学堂"
