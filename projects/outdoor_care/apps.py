from django.apps import AppConfig


class OutdoorCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.outdoor_care"
    label = "outdoor_care"
    verbose_name = "户外职工爱心接力站"
