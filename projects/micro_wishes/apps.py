from django.apps import AppConfig


class MicroWishesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.micro_wishes"
    label = "micro_wishes"
    verbose_name = "微心愿"
