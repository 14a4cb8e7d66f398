from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "会员与组织"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)

        # After each app migrates (its permissions now exist), role groups catch up with what apps declare.
        post_migrate.connect(_sync_role_groups, dispatch_uid="members.sync_role_groups")


def _sync_role_groups(sender, using="default", **kwargs):
    from .roles import sync_role_groups

    sync_role_groups(using=using)
