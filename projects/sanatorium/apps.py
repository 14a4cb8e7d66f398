from django.apps import AppConfig


class SanatoriumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.sanatorium"
    label = "sanatorium"
    verbose_name = "疗休养和健康体检"
