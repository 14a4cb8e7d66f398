from django import template

from projects.models import ApplicationStatus
from subsidies.rules.core import DATE_LABELS

register = template.Library()


@register.filter
def date_label(name: str) -> str:
    return DATE_LABELS.get(name, name)


@register.filter
def status_label(status: str) -> str:
    try:
        return ApplicationStatus(status).label
    except ValueError:
        return status


@register.filter
def reason_mark(ok) -> str:
    return {True: "✓", False: "✗", None: "？"}[ok]


@register.filter
def reason_class(ok) -> str:
    return {True: "ok", False: "fail", None: "unknown"}[ok]
