from django.apps import AppConfig


class WomensCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.womens_care"
    label = "womens_care"
    verbose_name = "女职工幸福关爱"
