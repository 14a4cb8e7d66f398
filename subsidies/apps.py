from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subsidies"
    verbose_name = "补贴与给付"

    def ready(self):
        # The published policy years district staff opened join the file years in the registry.
        from subsidies.rules import registry

        from . import selectors

        registry.use_held_years(selectors.held_years_probe, selectors.held_years_load)
