from django.apps import AppConfig


class CultureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.culture"
    label = "culture"
    verbose_name = "文体课程和观影观剧"
