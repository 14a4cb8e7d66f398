from django.apps import AppConfig


def _entitled_not_applied(user, today):
    """On the district dashboard (projects.procedures.DASHBOARD_ITEMS): the entitled non-applicants."""
    from django.urls import reverse

    from .selectors import entitled_non_applicants

    return (
        "项符合条件尚未申请（政策找人）",
        entitled_non_applicants(user).count(),
        reverse("admin:outreach_finding_changelist"),
    )


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = "提醒与政策找人"

    def ready(self):
        from projects.procedures import DASHBOARD_ITEMS

        if _entitled_not_applied not in DASHBOARD_ITEMS:
            DASHBOARD_ITEMS.append(_entitled_not_applied)
