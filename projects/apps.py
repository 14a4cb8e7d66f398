from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "服务项目"

    def ready(self):
        from django.db import connection

        from members.auth import add_account_companion

        from .procedures import autodiscover
        from .selectors import (
            PORTAL_MEMBER,
            MemberExtra,
            add_member_extra,
            applications_versions_column,
            keep_applications_versions,
            portal_member_companion,
        )

        autodiscover()
        # The portal's member record comes with the signed-in account's statement (no query of its own).
        add_account_companion(PORTAL_MEMBER, portal_member_companion())
        if connection.vendor == "postgresql":  # row versions (xmin, cmin) are PostgreSQL's
            add_member_extra(
                "applications_versions", MemberExtra(applications_versions_column(), keep_applications_versions)
            )
