"""Writes for the “五送” deliveries. Admin (and any later API) call these.

Each write is a check (who, which application, which form) and a do, on the
application row locked with SELECT … FOR UPDATE so two clerks recording the
same once-a-year item cannot both succeed.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import User
from members.selectors import scope_for
from projects.models import GRANTED_STATUSES, Application, ApplicationStatus
from projects.services.errors import ApplicationError
from subsidies.selectors import policy_data

from .models import CARE_RULE, GIFT_KINDS, ONCE_A_YEAR, GiftForm, ServiceDelivery, ServiceKind

# Messages: constants the tests assert on.
NOT_STREET_STAFF = "只有会员所在街镇（园区、行业）工会的工作人员可以登记“五送”服务。"
NOT_CARE_APPLICATION = "只能为“五送”关心关爱服务的登记记录服务。"
NOT_APPROVED = "该会员的“五送”登记尚未审核通过（当前状态：{status}），不能记录服务。"
# No amount or class here: the dues, the forms allowed and the coverage classes are the year's data
# (flexible_care_full_dues, flexible_care_distribution_forms, flexible_care_other_class), shown with the rule.
NOT_FULL_DUES = "“五送”服务面向一次性缴满年度会费的会员；其他灵活就业会员由市总工会赠送专享保障。"
NO_CASH = "不可发放现金：会费须以本年度可用的发放形式（交通卡、提货凭证、实物等）发放。"
FORM_REQUIRED = "请选择{kind}的发放形式。"
FORM_NOT_ALLOWED = "“{form}”不是{year}年度可用的发放形式。"
WRONG_YEAR = "服务日期须在{year}年内。"
IN_FUTURE = "服务日期不能晚于今天。"
ALREADY_DELIVERED = "本年度已为该会员登记“{kind}”，每年一次（一份）。"
UNKNOWN_KIND = "未知的服务内容：{kind}。"

HELD = GRANTED_STATUSES


def may_record(user: User, application: Application) -> bool:
    """Street (town, park, industry) union staff of the member's street, or a superuser."""
    if user.is_active and user.is_superuser:
        return True
    scope = scope_for(user)
    return scope.level == "street" and application.street_id == scope.organisation_id


def check_five_services(
    *, user: User, application: Application, kind: str, delivered_on: date, gift_form: str = ""
) -> None:
    """Raise ApplicationError (field named) unless this delivery may be recorded as given."""
    if application.rule_id != CARE_RULE:
        raise ApplicationError(NOT_CARE_APPLICATION, field="application")
    if not may_record(user, application):
        raise ApplicationError(NOT_STREET_STAFF, field="application")
    if application.status not in HELD:
        raise ApplicationError(
            NOT_APPROVED.format(status=ApplicationStatus(application.status).label), field="application"
        )
    if application.facts.get("paid_full_dues_in_one_go") is not True:
        raise ApplicationError(NOT_FULL_DUES, field="application")
    if kind not in ServiceKind.values:
        raise ApplicationError(UNKNOWN_KIND.format(kind=kind), field="kind")
    if delivered_on.year != application.policy_year:
        raise ApplicationError(WRONG_YEAR.format(year=application.policy_year), field="delivered_on")
    if delivered_on > timezone.localdate():
        raise ApplicationError(IN_FUTURE, field="delivered_on")
    check_gift_form(kind=kind, gift_form=gift_form, policy_year=application.policy_year)


def check_gift_form(*, kind: str, gift_form: str, policy_year: int) -> None:
    """The forms allowed are the year's data (flexible_care_distribution_forms, as the rule reads them):
    the one place that says cash is not one of them. A form outside them is refused; cash by name."""
    if not gift_form:
        if kind in GIFT_KINDS:
            raise ApplicationError(FORM_REQUIRED.format(kind=ServiceKind(kind).label), field="gift_form")
        return
    allowed = policy_data(policy_year).value("flexible_care_distribution_forms")
    if gift_form not in allowed and gift_form == "cash":
        raise ApplicationError(NO_CASH, field="gift_form")
    if gift_form not in GiftForm.values or gift_form not in allowed:
        label = GiftForm(gift_form).label if gift_form in GiftForm.values else gift_form
        raise ApplicationError(FORM_NOT_ALLOWED.format(form=label, year=policy_year), field="gift_form")


def check_not_yet_delivered(*, application: Application, kind: str) -> None:
    """Once-a-year items (check-up, each gift, the D-class coverage) are recorded once per registration."""
    if kind in ONCE_A_YEAR and ServiceDelivery.objects.filter(application=application, kind=kind).exists():
        raise ApplicationError(ALREADY_DELIVERED.format(kind=ServiceKind(kind).label), field="kind")


@transaction.atomic
def five_services_record(
    *, user: User, application: Application, kind: str, delivered_on: date, gift_form: str = "", note: str = ""
) -> ServiceDelivery:
    """Record one “五送” item delivered to the member of an approved flexible_worker_care application."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_five_services(user=user, application=application, kind=kind, delivered_on=delivered_on, gift_form=gift_form)
    check_not_yet_delivered(application=application, kind=kind)
    delivery = ServiceDelivery(
        application=application,
        member_id=application.applicant_member_id,
        organisation_id=application.organisation_id,
        street_id=application.street_id,
        kind=kind,
        delivered_on=delivered_on,
        gift_form=gift_form,
        note=note.strip(),
        recorded_by=user,
    )
    delivery._history_user = user  # the audit names the clerk, in or out of a web request
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:  # the once-a-year constraint, should a row slip past the lock
        raise ApplicationError(ALREADY_DELIVERED.format(kind=ServiceKind(kind).label), field="kind") from None
    return delivery


@transaction.atomic
def five_services_update(
    *, user: User, delivery: ServiceDelivery, delivered_on: date, gift_form: str = "", note: str = ""
) -> ServiceDelivery:
    """Correct the date, form or note of a recorded delivery (its application and kind stay)."""
    delivery = ServiceDelivery.objects.select_for_update(of=("self",)).select_related("application").get(pk=delivery.pk)
    check_five_services(
        user=user, application=delivery.application, kind=delivery.kind, delivered_on=delivered_on, gift_form=gift_form
    )
    delivery.delivered_on = delivered_on
    delivery.gift_form = gift_form
    delivery.note = note.strip()
    delivery._history_user = user
    delivery.save(update_fields=["delivered_on", "gift_form", "note"])
    return delivery
