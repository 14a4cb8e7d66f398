from django.apps import AppConfig


class FlexibleWorkersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.flexible_workers"
    label = "flexible_workers"
    verbose_name = "灵活就业会员保障"
