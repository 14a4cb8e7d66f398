"""Writes for “上海职工学堂”: the district's on-site check (2019 §2 操作流程（二）),
the hooks that tie it to the grant application, and the register of schools.

Order of work: the street/town union prepares its application (a draft is fine),
district staff check the school on site and record the result here, then the
union submits. The rule's “区总工会实地审核通过” fact is taken from the recorded
check (locked_facts) and the check is tied to the application on submission
(on_submit); without a recorded check the application cannot be submitted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import Member, Organisation, OrganisationLevel, StreetKind, User
from members.selectors import is_district_staff
from projects.models import GRANTED_STATUSES, Application, ApplicationStatus
from projects.services.errors import ApplicationError
from projects.workflow import approver_of

from .models import SiteCheck, WorkerSchool
from .selectors import current_site_check

NOT_DISTRICT = "只有区总工会工作人员可以登记实地审核结果和维护职工学堂信息。"
NOT_STREET_TOWN_UNION = "“上海职工学堂”由街镇总工会建立：实地审核对象须为街镇（园区）总工会。"
CHECK_IN_FUTURE = "实地审核时间不能晚于现在。"
FAILED_NEEDS_NOTE = "审核未通过时请填写审核意见。"
REQUIRED = "请填写{label}。"
CHECK_USED = "该实地审核记录已用于申请 {ref}，不能修改；如需复核，请登记一次新的实地审核。"
SITE_CHECK_MISSING = "区总工会尚未对本单位新建的职工学堂进行实地审核，请在实地审核后再提交申请（可先保存草稿）。"
SITE_CHECK_CHANGED = "实地审核结果刚刚更新，请重新提交申请。"
WRONG_RULE = "申请 {ref} 不是“上海职工学堂”建学补贴申请。"
NOT_APPROVED = "申请 {ref} 尚未批准，不能登记职工学堂。"

# §2 贴补对象: “各街镇总工会”. Jiading's twelve 街镇 include two parks (菊园新区、嘉定工业区); industry unions are not 街镇.
STREET_TOWN_KINDS = (StreetKind.SUBDISTRICT, StreetKind.TOWN, StreetKind.PARK)
HELD = GRANTED_STATUSES


def is_street_town_union(organisation: Organisation | None) -> bool:
    return (
        organisation is not None
        and organisation.level == OrganisationLevel.STREET
        and organisation.street_kind in STREET_TOWN_KINDS
    )


def _check_district(user: User) -> None:
    if not is_district_staff(user):
        raise ApplicationError(NOT_DISTRICT)


def site_check_clean(
    *, street_union: Organisation, school_name: str, address: str, checked_at: datetime, passed: bool, note: str
) -> dict[str, Any]:
    errors = {}
    if not is_street_town_union(street_union):
        errors["street_union"] = NOT_STREET_TOWN_UNION
    if not (school_name or "").strip():
        errors["school_name"] = REQUIRED.format(label="学堂名称")
    if not (address or "").strip():
        errors["address"] = REQUIRED.format(label="学堂地址")
    if checked_at is None:
        errors["checked_at"] = REQUIRED.format(label="实地审核时间")
    elif checked_at > timezone.now():
        errors["checked_at"] = CHECK_IN_FUTURE
    if not passed and not (note or "").strip():
        errors["note"] = FAILED_NEEDS_NOTE
    if errors:
        raise ValidationError(errors)
    return {"school_name": school_name.strip(), "address": address.strip(), "note": (note or "").strip()}


@transaction.atomic
def site_check_record(
    *,
    user: User,
    street_union: Organisation,
    policy_year: int,
    school_name: str,
    address: str,
    checked_at: datetime,
    passed: bool,
    note: str = "",
) -> SiteCheck:
    """Record the district's on-site check of a street/town union's new school."""
    _check_district(user)
    cleaned = site_check_clean(
        street_union=street_union,
        school_name=school_name,
        address=address,
        checked_at=checked_at,
        passed=passed,
        note=note,
    )
    check = SiteCheck(
        street_union=street_union,
        policy_year=policy_year,
        checked_at=checked_at,
        passed=passed,
        checked_by=user,
        **cleaned,
    )
    check.full_clean(exclude=["application"])
    check._history_user = user
    check.save()
    _supply_to_waiting_application(user, check)
    return check


def _supply_to_waiting_application(user: User, check: SiteCheck) -> None:
    """A check recorded after the school applied is the district reviewer's fact for that application:
    supplied through the one reviewer-facts service (the decision is recomputed, who supplied it kept)."""
    from projects.services.review_facts import application_supply_facts

    waiting = (
        Application.objects.filter(
            rule_id="worker_school_grant",
            policy_year=check.policy_year,
            applicant_organisation=check.street_union,
            status=ApplicationStatus.DISTRICT_REVIEW,
        )
        .order_by("-pk")
        .first()
    )
    if waiting is None:
        return
    application_supply_facts(
        user=user,
        application=waiting,
        facts={"on_site_check_passed": check.passed},
        comment=f"实地审核记录：{check.school_name}",
    )
    check.application = waiting
    check.save(update_fields=["application"])


@transaction.atomic
def site_check_correct(
    *, user: User, check: SiteCheck, school_name: str, address: str, checked_at: datetime, passed: bool, note: str = ""
) -> SiteCheck:
    """Correct a check not yet used by an application; a used check is evidence and stays as it is."""
    _check_district(user)
    check = SiteCheck.objects.select_for_update(of=("self",)).select_related("application").get(pk=check.pk)
    if check.application_id is not None:
        raise ApplicationError(CHECK_USED.format(ref=check.application.reference))
    cleaned = site_check_clean(
        street_union=check.street_union,
        school_name=school_name,
        address=address,
        checked_at=checked_at,
        passed=passed,
        note=note,
    )
    for name, value in {**cleaned, "checked_at": checked_at, "passed": passed, "checked_by": user}.items():
        setattr(check, name, value)
    check.full_clean(exclude=["application"])
    check._history_user = user
    check.save()
    return check


# --- hooks of the worker_school_grant procedure -----------------------------------------------


def worker_school_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """Facts the applicant may not choose: whether it is a 街镇总工会, and the on-site check result."""
    if organisation is None:
        return {}
    facts: dict[str, Any] = {"is_street_town_union": is_street_town_union(organisation)}
    check = current_site_check(street_union=organisation, policy_year=policy_year)
    if check is not None:
        facts["on_site_check_passed"] = check.passed
    return facts


def on_worker_school_submit(application: Application) -> None:
    """Tie an on-site check already recorded to the application it was judged on. Without one the
    application waits for the district's check at review (a reviewer fact, "待区总工会实地审核")."""
    check = current_site_check(
        street_union=application.applicant_organisation, policy_year=application.policy_year, for_update=True
    )
    if check is None:
        return
    if application.facts.get("on_site_check_passed") is not check.passed:
        raise ApplicationError(SITE_CHECK_CHANGED)
    if check.application_id == application.pk:
        return
    # A resubmission after a new check: the earlier check is released.
    for earlier in SiteCheck.objects.select_for_update().filter(application=application).exclude(pk=check.pk):
        earlier.application = None
        earlier._history_user = application.created_by
        earlier.save(update_fields=["application"])
    check.application = application
    check._history_user = application.created_by
    check.save(update_fields=["application"])


@transaction.atomic
def worker_school_register(*, application: Application) -> WorkerSchool:
    """The register row for an approved grant (idempotent), from its facts and its on-site check."""
    existing = WorkerSchool.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.rule_id != "worker_school_grant":
        raise ApplicationError(WRONG_RULE.format(ref=application.reference))
    if application.status not in HELD:
        raise ApplicationError(NOT_APPROVED.format(ref=application.reference))
    check = SiteCheck.objects.filter(application=application).first()
    if check is None:
        raise ApplicationError(SITE_CHECK_MISSING)
    facts = application.facts
    school = WorkerSchool(
        street_union=application.applicant_organisation,
        name=check.school_name,
        address=check.address,
        built_on=facts["built_on"],
        asset_spend=Decimal(str(facts["asset_spend"])),
        on_site_checked_at=check.checked_at,
        on_site_checked_by=check.checked_by,
        application=application,
    )
    school._history_user = approver_of(application)
    school.full_clean(exclude=["application"])
    school.save()
    return school


def on_worker_school_approved(application: Application) -> None:
    worker_school_register(application=application)


@transaction.atomic
def worker_school_update(
    *, user: User, school: WorkerSchool, name: str, address: str, is_open: bool = True
) -> WorkerSchool:
    _check_district(user)
    errors = {}
    if not (name or "").strip():
        errors["name"] = REQUIRED.format(label="学堂名称")
    if not (address or "").strip():
        errors["address"] = REQUIRED.format(label="地址")
    if errors:
        raise ValidationError(errors)
    school = WorkerSchool.objects.select_for_update().get(pk=school.pk)
    school.name, school.address, school.is_open = name.strip(), address.strip(), is_open
    school.full_clean()
    school._history_user = user
    school.save()
    return school
