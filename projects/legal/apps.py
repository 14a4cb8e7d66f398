from django.apps import AppConfig


class LegalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.legal"
    label = "legal"
    verbose_name = "法律援助和法律体检"
