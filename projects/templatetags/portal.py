from django import template

from projects import labels
from subsidies.rules.core import DATE_LABELS

register = template.Library()


@register.filter
def date_label(name: str) -> str:
    return DATE_LABELS.get(name, name)


@register.filter
def status_label(status: str) -> str:
    return labels.status_label(status)


@register.filter
def level_label(level: str) -> str:
    return labels.level_label(level)


@register.filter
def chain_text(chain) -> str:
    return labels.chain_text(chain or ())


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def benefit(application) -> str:
    """An application's (or offering's) benefit by its Chinese name."""
    return labels.rule_title(application.rule_id, application.policy_year)


@register.filter
def yuan(amount) -> str:
    return labels.yuan(amount)


@register.filter
def local_date(value) -> str:
    return labels.local_date(value)


@register.filter
def change_rows(changes) -> list:
    return labels.change_rows(changes)


@register.filter
def plain_source(text: str) -> str:
    return labels.plain_source(text)


@register.filter
def reason_mark(ok) -> str:
    return {True: "✓", False: "✗", None: "？"}[ok]


@register.filter
def reason_class(ok) -> str:
    return {True: "ok", False: "fail", None: "unknown"}[ok]
