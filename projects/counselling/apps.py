from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.counselling"
    label = "counselling"
    verbose_name = "职工心理服务"
