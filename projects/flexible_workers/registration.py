"""Real-name registration of flexible workers who paid the 120 yuan dues in one go (2019 §4 (一)).

"无需办理参保手续。各行业工会或街镇（园区）工会在申工通工作平台上对灵活就业会员进行实名登记…
起保日统一为…上传…日期的次日1日": the street (park, industry) union registers the member; the
coverage is created from the registration (免申即享) through the workflow, with the start date the
rule gives. The admin and the Excel import both call flexible_worker_register.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from members.models import Member, User
from members.selectors import scope_for
from projects.services.errors import ApplicationError
from projects.services.submission import application_grant
from subsidies.rules import registry
from subsidies.rules.core import Outcome

from .models import RealNameRegistration

COVERAGE_RULE = "flexible_worker_coverage"
NOT_YOUR_MEMBER = "只有会员所在街镇（园区、行业）工会的工作人员可以为其实名登记。"
NOT_FLEXIBLE = "{name}不是灵活就业会员，不能办理灵活就业会员实名登记。"
NOT_FULL_DUES = "{name}本年度未一次缴满年度会费：其他灵活就业会员由所在工会申请办理参保。"
IN_FUTURE = "上传日期不能晚于今天。"
ALREADY_REGISTERED = "{name}已于{on}实名登记（保障 {ref}）。"
NOT_COVERED = "{name}不符合灵活就业会员专享保障的条件：{reasons}"
REASON = "2019 §4 参保方式和保障生效（一）：一次缴满年度会费的会员无需办理参保手续，由工会实名登记，上传次月1日起保"


def may_register(user: User, member: Member) -> bool:
    scope = scope_for(user)
    return scope.level == "district" or (scope.level == "street" and member.street_id == scope.organisation_id)


def check_registration(*, user: User, member: Member, uploaded_on: date) -> None:
    """Raise ApplicationError (naming the field) unless this member may be registered on this date."""
    if not may_register(user, member):
        raise ApplicationError(NOT_YOUR_MEMBER)
    if member.employment_type != "flexible_worker":
        raise ApplicationError(NOT_FLEXIBLE.format(name=member.name), field="member")
    if uploaded_on > timezone.localdate():
        raise ApplicationError(IN_FUTURE, field="uploaded_on")
    if not member.dues.filter(year=uploaded_on.year, paid_in_one_go=True).exists():
        raise ApplicationError(NOT_FULL_DUES.format(name=member.name), field="member")
    earlier = (
        RealNameRegistration.objects.filter(member=member, uploaded_on__year=uploaded_on.year)
        .select_related("coverage")
        .first()
    )
    if earlier is not None:
        raise ApplicationError(
            ALREADY_REGISTERED.format(
                name=member.name, on=earlier.uploaded_on, ref=earlier.coverage.reference if earlier.coverage else "—"
            ),
            field="member",
        )
    _check_coverage_decision(member, uploaded_on)


def _check_coverage_decision(member: Member, uploaded_on: date) -> None:
    """The coverage the registration would start must be one the rule grants (age, industry, dues…)."""
    from projects.selectors import locked_facts
    from subsidies.selectors import decide

    rule = registry.latest(COVERAGE_RULE, uploaded_on.year)
    locked = locked_facts(rule, member=member, organisation=None, today=timezone.localdate())
    decision = decide(
        rule_id=rule.rule_id,
        year=rule.policy_year,
        facts={},
        locked={**locked, "uploaded_on": uploaded_on},
        partial=True,
    ).decision
    if decision.outcome is not Outcome.ELIGIBLE:
        reasons = [r.message for r in decision.failed + decision.unknown]
        raise ApplicationError(NOT_COVERED.format(name=member.name, reasons="；".join(reasons)), field="member")


@transaction.atomic
def flexible_worker_register(*, user: User, member: Member, uploaded_on: date | None = None) -> RealNameRegistration:
    """Register the member and create the coverage the registration gives (approved, start date by the rule)."""
    member = Member.objects.select_for_update().select_related("organisation", "street").get(pk=member.pk)
    uploaded_on = uploaded_on or timezone.localdate()
    check_registration(user=user, member=member, uploaded_on=uploaded_on)
    registration = RealNameRegistration(
        member=member, union=member.organisation, street=member.street, uploaded_on=uploaded_on, registered_by=user
    )
    registration._history_user = user
    registration.save()
    policy_year = registry.latest(COVERAGE_RULE, uploaded_on.year).policy_year
    registration.coverage = application_grant(
        rule_id=COVERAGE_RULE, policy_year=policy_year, member=member, created_by=user, reason=REASON
    )
    registration.save(update_fields=["coverage"])
    return registration
