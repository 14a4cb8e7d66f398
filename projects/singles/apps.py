from django.apps import AppConfig


class SinglesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.singles"
    label = "singles"
    verbose_name = "嘉缘会"
