from django.apps import AppConfig


class FlowerExpoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.flower_expo"
    label = "flower_expo"
    verbose_name = "万名职工看花博"
