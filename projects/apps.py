from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "服务项目"

    def ready(self):
        from members.auth import add_account_companion

        from .procedures import autodiscover
        from .selectors import PORTAL_MEMBER, portal_member_companion

        autodiscover()
        # The portal's member record comes with the signed-in account's statement (no query of its own).
        add_account_companion(PORTAL_MEMBER, portal_member_companion())
