from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payouts"
    verbose_name = "给付"

    def ready(self) -> None:
        from projects import workflow

        from .selectors import holding_batch

        # A payment waiting in a batch holds its application: no close, cancel or recalculation.
        workflow.add_payout_hold(holding_batch)
