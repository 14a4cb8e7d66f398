import logging

from django import template
from django.utils.html import escape

from jiading_union.kept import CSRF_SLOT
from projects import labels
from subsidies.rules import registry
from subsidies.rules.base import Rule
from subsidies.rules.core import DATE_LABELS
from subsidies.rules.prose import plain
from subsidies.selectors import policy_data

register = template.Library()
logger = logging.getLogger(__name__)


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
def amount_with_split(application) -> str:
    """An application's amount and its frozen split by payer, in one line."""
    return labels.amount_with_split(application.amount, (application.decision or {}).get("split"))


@register.filter
def shown_reasons(reasons) -> list:
    """A frozen decision's reasons without those that say nothing (an empty "待确认：")."""
    from projects.selectors import reason_says_something

    return [r for r in reasons or () if reason_says_something(r.get("message", "") if hasattr(r, "get") else r.message)]


@register.filter
def days_waiting(since) -> str:
    """How long something has waited, in days ("等待 253 天"), as the review queue counts it — not
    timesince's "7 年，8 月"."""
    return labels.days_waiting(since)


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


@register.filter
def summary(item, policies=None) -> str:
    """A rule's or a catalogue project's summary, rendered from its year's current policy data
    (district staff's overrides included). `policies` ({year: data}, read once by the view) saves a
    read per item on pages listing many."""
    year = item.policy_year if isinstance(item, Rule) else item.summary_year
    data = policies[year] if policies and year in policies else policy_data(year)
    try:
        return item.describe(data)
    except (KeyError, ValueError):
        # An override the summary cannot read (rules refuse such edits; a catalogue text may not):
        # the shipped figures, loudly, rather than a broken page.
        logger.error("%s 的说明无法用 %s 年度当前政策数据生成，显示原始数据", getattr(item, "code", item), year)
        return item.describe()


@register.filter
def chain_of(procedure, rule) -> str:
    """How an application of `rule` is reviewed, rendered from the year's current policy data."""
    return procedure.describe_chain(policy_data(rule.policy_year))


@register.simple_tag
def policy_value(where, name: str, spec: str = "") -> str:
    """A param of a policy year's current data as members read it (subsidies.rules.prose.plain), so a
    page's text quotes the data rather than a copy: `where` is the policy year, or a rule id for its
    newest year. {% policy_value "flexible_worker_care" "flexible_care_full_dues" as dues %}"""
    year = where if isinstance(where, int) else registry.latest(where).policy_year
    return plain(policy_data(year).value(name), spec)


# --- The site header: rendered once per distinct inputs, kept per process (issue 12) --------------------

_HEADERS: dict[tuple, str] = {}
_HEADERS_MAX = 4096


def _called(value):
    return value() if callable(value) else value


def header_inputs(request, user, *, is_member, unread) -> dict:
    """Everything the site header shows besides the language and the CSRF token (`is_member` and
    `unread` called only for a signed-in user): the header's key, and part of a kept page's
    (projects.kept_pages)."""
    authenticated = bool(user is not None and user.is_authenticated)
    inputs = {"full_path": request.get_full_path() if request is not None else "", "authenticated": authenticated}
    if authenticated:
        inputs.update(
            user_id=user.pk,
            display_name=user.get_full_name() or user.username,
            is_staff=bool(user.is_staff),
            is_member=bool(is_member()),
            unread=int(unread() or 0),
        )
    return inputs


@register.simple_tag(takes_context=True)
def site_header(context):
    """base.html's header. Its key holds everything it shows — the language, the page's path, who is
    signed in (account, name, staff or not), whether a member and the unread count — so a kept header
    is never another user's or an out-of-date one, and nothing needs invalidating (a new release is a
    new process). The header is rendered with a stand-in for the CSRF token, which this request's own
    token replaces each time (and which sets the CSRF cookie as {% csrf_token %} would)."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    inputs = header_inputs(
        context.get("request"),
        context.get("user"),
        is_member=lambda: _called(context.get("portal_is_member")),
        unread=lambda: _called(context.get("portal_unread")),
    )
    key = (get_language(), *sorted(inputs.items()))
    html = _HEADERS.get(key)
    if html is None:
        html = get_template("_site_header.html").render({**inputs, "csrf_token": CSRF_SLOT}).strip()
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = html
    token = context.get("csrf_token")
    token = str(token) if token is not None else ""
    if not token or token == "NOTPROVIDED":
        # No token in this context (an error page rendered without the request): no CSRF input, as
        # {% csrf_token %} renders none.
        html = html.replace(f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">', "")
        return mark_safe(html)
    return mark_safe(html.replace(CSRF_SLOT, escape(token)))
