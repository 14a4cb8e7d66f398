from django.apps import AppConfig


class CaravanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.caravan"
    label = "caravan"
    verbose_name = "大篷车服务"
