from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "会员与组织"

    def ready(self):
        # After every migrate (permissions exist by then): role groups hold exactly what apps declare.
        post_migrate.connect(_sync_after_last_app, dispatch_uid="members.sync_role_groups")


def _sync_after_last_app(sender, app_config, **kwargs):
    from django.apps import apps

    last = list(apps.get_app_configs())[-1]
    if app_config is last:
        from .roles import sync_role_groups

        sync_role_groups()
