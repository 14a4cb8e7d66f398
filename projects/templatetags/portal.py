from django import template

from projects.models import ApplicationStatus
from subsidies.rules.core import DATE_LABELS

register = template.Library()


@register.filter
def date_label(name: str) -> str:
    return DATE_LABELS.get(name, name)


# Timeline actions that are not transitions (projects.workflow.TRANSITIONS labels the rest).
EVENT_LABELS = {"supply_facts": "补充审核事实", "materials_complete": "材料收齐", "recalculate": "重新计算"}


@register.filter
def event_label(action: str) -> str:
    from projects.workflow import TRANSITIONS

    transition = TRANSITIONS.get(action)
    return transition.label if transition is not None else EVENT_LABELS.get(action, action)


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
