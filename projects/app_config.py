"""The AppConfig every service project app (projects/<app>/) derives from.

Kept out of projects/apps.py: Django picks an app's config by the AppConfig subclasses its
apps.py holds, so the apps refer to this one through the module (`app_config.ProjectAppConfig`).
"""

from django.apps import AppConfig


class ProjectAppConfig(AppConfig):
    """A service project family's app under projects/. Its procedures.py is discovered
    (projects.procedures.autodiscover) and its urls.py, if it has one, is served under
    /p/<label with dashes>/ in the namespace of its label (jiading_union.urls)."""

    default_auto_field = "django.db.models.BigAutoField"

    @property
    def url_prefix(self) -> str:
        return self.label.replace("_", "-")
