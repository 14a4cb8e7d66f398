from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "服务项目"

    def ready(self):
        from .procedures import autodiscover

        autodiscover()
