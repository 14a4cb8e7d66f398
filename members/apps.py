from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "会员与组织"

    def ready(self):
        from django.contrib import admin

        from jiading_union.admin_spreadsheets import offer_export_everywhere

        from . import checks  # noqa: F401  (registers the system checks)

        # django.contrib.admin (first in INSTALLED_APPS) has loaded every admin module by now.
        from .admin import SIGN_IN_EXPORT_COLUMNS

        offer_export_everywhere(admin.site, SIGN_IN_EXPORT_COLUMNS)

        # After each app migrates (its permissions now exist), role groups catch up with what apps declare.
        post_migrate.connect(_sync_role_groups, dispatch_uid="members.sync_role_groups")


def _sync_role_groups(sender, using="default", **kwargs):
    from .roles import sync_role_groups

    sync_role_groups(using=using)
