from django.apps import AppConfig


class SanitationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.sanitation"
    label = "sanitation"
    verbose_name = "环卫职工送保障"
