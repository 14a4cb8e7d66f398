from django.apps import AppConfig


class HealthPointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.health_points"
    label = "health_points"
    verbose_name = "职工健康服务点"
