"""Writes for legal aid and legal check-ups.

Each write is a check (permissions, state, inputs — ApplicationError with a Chinese
message, `field` naming the input) and a do on rows locked with SELECT … FOR UPDATE.
The admin forms call the same checks to show errors beside the fields.

Hooks used by projects/legal/procedures.py (run inside the application's transaction):
legal_aid_case_open (on_approved), legal_checkup_record_open (on_approved),
legal_checkup_quotas (quotas) and legal_checkup_locked_facts (locked_facts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import Member, Organisation, OrganisationLevel, User
from members.selectors import is_district_staff
from projects.models import Application, QuotaPool
from projects.procedures import Applicant, QuotaSpec
from projects.services.errors import ApplicationError, QuotaFull
from projects.services.notifications import applicant_users, notify
from subsidies.rules import registry

from . import selectors
from .models import (
    PHASE_ORDER,
    CaseOutcome,
    CaseStatus,
    CheckupPhase,
    Lawyer,
    LegalAidCase,
    LegalAidCentre,
    LegalCheckupRecord,
)

# --- Messages (tests assert on these) --------------------------------------------------------

DISTRICT_ONLY = "只有区总工会工作人员可以{action}。"
CASE_CLOSED = "该法律援助案件已结案，不能再{action}。"
CASE_NOT_ASSIGNED = "该法律援助案件尚未指派律师，不能结案。"
CENTRE_REQUIRED = "请选择承办的法律援助中心（窗口）。"
LAWYER_REQUIRED = "请选择承办律师。"
CENTRE_INACTIVE = "“{centre}”已停用，请选择其他中心（窗口）。"
LAWYER_INACTIVE = "律师{lawyer}已停用，请选择其他律师。"
LAWYER_NOT_OF_CENTRE = "律师{lawyer}不属于“{centre}”，请先选择其所属中心（窗口）。"
OUTCOME_REQUIRED = "请选择结案结果。"
ASSIGNED_NOTICE = "您的法律援助申请 {ref} 已指派：{centre}，承办律师{lawyer}。"
CLOSED_NOTICE = "您的法律援助申请 {ref} 已结案：{outcome}。"

NO_CHECKUP_IN_YEAR = "{year}年度没有“法律体检”项目。"
NOT_A_STREET = "“{name}”不是街镇（园区、行业）工会，不能分配“法律体检”名额。"
PLACES_NEGATIVE = "名额不能为负数。"
ALLOCATION_BELOW_TAKEN = "{street}已确定{taken}家企业，名额不能少于{taken}家。"
ALLOCATION_OVER_TOTAL = "全区“法律体检”共{total}家企业，其他街镇已分配{others}家，{street}最多可分配{available}家。"
NO_ALLOCATION = "区总工会尚未给{street}分配{year}年度“法律体检”名额，暂不能申报。"
NO_STREET = "该企业未归属任何街镇，不能申报“法律体检”。"
STREET_POOL_LABEL = "{year}年法律体检·{street}"
DISTRICT_POOL_LABEL = "{year}年法律体检·全区"

RECORD_COMPLETED = "该企业的“法律体检”已办结，不能再修改。"
PHASE_UNKNOWN = "未知的阶段：{phase}。"
PHASE_BACKWARDS = "阶段只能向后推进：当前为“{current}”，不能改为“{phase}”。"
PHASE_NOT_STARTED = "“{phase}”阶段自{starts}开始，尚未开始。"
COMPLETE_NEEDS_EVALUATION = "进入“总结评估”阶段并填写体检发现和建议后才能办结。"


def _require_district(user: User | None, action: str) -> None:
    if not is_district_staff(user):
        raise ApplicationError(DISTRICT_ONLY.format(action=action))


def _validate(instance) -> None:
    """Model validation as ApplicationError naming the first field."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(messages[0], field=None if field == "__all__" else field) from None


# --- Centres and lawyers (shared data, district staff) ---------------------------------------


@transaction.atomic
def legal_aid_centre_save(*, user: User, centre: LegalAidCentre) -> LegalAidCentre:
    """Create or update a centre (district staff add street branches)."""
    _require_district(user, "维护法律援助中心（窗口）")
    if centre.street_id is not None and centre.street.level != OrganisationLevel.STREET:
        raise ApplicationError(NOT_A_STREET.format(name=centre.street.name), field="street")
    _validate(centre)
    centre.save()
    return centre


@transaction.atomic
def lawyer_save(*, user: User, lawyer: Lawyer) -> Lawyer:
    _require_district(user, "维护援助律师")
    _validate(lawyer)
    lawyer.save()
    return lawyer


# --- Legal-aid cases -------------------------------------------------------------------------


def legal_aid_case_open(application: Application) -> LegalAidCase:
    """on_approved: the centre has accepted and reviewed the application (受理、审核); now it waits for 指派."""
    case, _ = LegalAidCase.objects.get_or_create(
        application=application, defaults={"accepted_at": application.decided_at or timezone.now()}
    )
    return case


def check_legal_aid_case_assign(
    *, user: User, case: LegalAidCase, centre: LegalAidCentre | None, lawyer: Lawyer | None
) -> None:
    _require_district(user, "指派法律援助案件")
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(CASE_CLOSED.format(action="指派"))
    if centre is None:
        raise ApplicationError(CENTRE_REQUIRED, field="centre")
    if lawyer is None:
        raise ApplicationError(LAWYER_REQUIRED, field="lawyer")
    if not centre.is_active:
        raise ApplicationError(CENTRE_INACTIVE.format(centre=centre.name), field="centre")
    if not lawyer.is_active:
        raise ApplicationError(LAWYER_INACTIVE.format(lawyer=lawyer.name), field="lawyer")
    if lawyer.centre_id != centre.pk:
        raise ApplicationError(LAWYER_NOT_OF_CENTRE.format(lawyer=lawyer.name, centre=centre.name), field="lawyer")


@transaction.atomic
def legal_aid_case_assign(*, user: User, case: LegalAidCase, centre: LegalAidCentre, lawyer: Lawyer) -> LegalAidCase:
    """指派: district staff give an accepted case to a centre and one of its lawyers (again to reassign)."""
    case = LegalAidCase.objects.select_for_update(of=("self",)).select_related("application").get(pk=case.pk)
    check_legal_aid_case_assign(user=user, case=case, centre=centre, lawyer=lawyer)
    case.centre, case.lawyer = centre, lawyer
    case.status = CaseStatus.ASSIGNED
    case.assigned_at, case.assigned_by = timezone.now(), user
    case.save(update_fields=["centre", "lawyer", "status", "assigned_at", "assigned_by"])
    application = case.application
    notify(
        recipients=applicant_users(application),
        application=application,
        title=ASSIGNED_NOTICE.format(ref=application.reference, centre=centre.name, lawyer=lawyer.name),
    )
    return case


def check_legal_aid_case_close(*, user: User, case: LegalAidCase, outcome: str) -> None:
    _require_district(user, "法律援助案件结案")
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(CASE_CLOSED.format(action="结案"))
    if case.status != CaseStatus.ASSIGNED:
        raise ApplicationError(CASE_NOT_ASSIGNED)
    if outcome not in CaseOutcome.values:
        raise ApplicationError(OUTCOME_REQUIRED, field="outcome")


@transaction.atomic
def legal_aid_case_close(*, user: User, case: LegalAidCase, outcome: str, notes: str = "") -> LegalAidCase:
    """结案: record the outcome and move the application to closed (办结)."""
    from projects.services.transitions import application_transition

    case = LegalAidCase.objects.select_for_update(of=("self",)).select_related("application").get(pk=case.pk)
    check_legal_aid_case_close(user=user, case=case, outcome=outcome)
    application_transition(user=user, application=case.application, action="close")
    case.status = CaseStatus.CLOSED
    case.outcome, case.outcome_notes = outcome, notes.strip()
    case.closed_at, case.closed_by = timezone.now(), user
    case.save(update_fields=["status", "outcome", "outcome_notes", "closed_at", "closed_by"])
    application = case.application
    notify(
        recipients=applicant_users(application),
        application=application,
        body=case.outcome_notes,
        title=CLOSED_NOTICE.format(ref=application.reference, outcome=CaseOutcome(outcome).label),
    )
    return case


# --- Legal check-ups: places per street --------------------------------------------------------


def _checkup_year(policy_year: int) -> None:
    try:
        registry.get(selectors.LEGAL_CHECKUP_RULE, policy_year)
    except registry.UnknownRule:
        raise ApplicationError(NO_CHECKUP_IN_YEAR.format(year=policy_year), field="policy_year") from None


def check_legal_checkup_allocation(*, user: User, street: Organisation, policy_year: int, places: int) -> None:
    """Who, which street, and whether `places` fits: not below the places taken, and the year's
    allocations not above the district total (2021 「法律体检」二、范围与对象: 全区30家，区总工会分配名额到各街镇)."""
    _require_district(user, "分配“法律体检”名额")
    _checkup_year(policy_year)
    if street.level != OrganisationLevel.STREET or not street.is_active:
        raise ApplicationError(NOT_A_STREET.format(name=street.name), field="street")
    if places < 0:
        raise ApplicationError(PLACES_NEGATIVE, field="places")
    key = selectors.checkup_street_key(policy_year, street)
    pool = QuotaPool.objects.filter(key=key).first()
    _check_places(street, policy_year, places, pool)


def _check_places(street: Organisation, policy_year: int, places: int, pool: QuotaPool | None) -> None:
    if pool is not None and places < pool.taken:
        raise ApplicationError(ALLOCATION_BELOW_TAKEN.format(street=street.name, taken=pool.taken), field="places")
    total = selectors.checkup_district_total(policy_year)
    others = selectors.checkup_allocated(policy_year, excluding_key=selectors.checkup_street_key(policy_year, street))
    if others + places > total:
        raise ApplicationError(
            ALLOCATION_OVER_TOTAL.format(
                total=total, others=others, street=street.name, available=max(total - others, 0)
            ),
            field="places",
        )


def _district_pool(policy_year: int) -> QuotaPool:
    """The year's district-wide pool (capacity = the policy param), locked: it serialises allocations."""
    total = selectors.checkup_district_total(policy_year)
    pool, _ = QuotaPool.objects.get_or_create(
        key=selectors.checkup_district_key(policy_year),
        defaults={
            "project": "legal_checkup",
            "policy_year": policy_year,
            "capacity": total,
            "label": DISTRICT_POOL_LABEL.format(year=policy_year),
        },
    )
    pool = QuotaPool.objects.select_for_update().get(pk=pool.pk)
    if pool.capacity != total and total >= pool.taken:  # the param was changed by district staff
        pool.capacity = total
        pool.save(update_fields=["capacity"])
    return pool


@transaction.atomic
def legal_checkup_allocate(*, user: User, street: Organisation, policy_year: int, places: int) -> QuotaPool:
    """Create or update the street's pool legal_checkup:<year>:street:<code> with `places` places."""
    check_legal_checkup_allocation(user=user, street=street, policy_year=policy_year, places=places)
    _district_pool(policy_year)
    key = selectors.checkup_street_key(policy_year, street)
    pool = QuotaPool.objects.select_for_update().filter(key=key).first()
    _check_places(street, policy_year, places, pool)  # again, under the lock
    label = STREET_POOL_LABEL.format(year=policy_year, street=street.name)
    if pool is None:
        return QuotaPool.objects.create(
            key=key, project="legal_checkup", policy_year=policy_year, label=label, capacity=places
        )
    pool.capacity, pool.label = places, label
    pool.save(update_fields=["capacity", "label"])
    return pool


def _applicant_street(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.select_related("street").get(pk=organisation_id)
    if organisation.street is None:
        raise ApplicationError(NO_STREET)
    return organisation.street


def legal_checkup_quotas(applicant: Applicant, facts: Mapping[str, Any], data: Any = None) -> list[QuotaSpec]:
    """Procedure.quotas: one place of the applicant's street pool and one of the district's 30."""
    if applicant.organisation_id is None:
        return []
    year = applicant.policy_year
    street = _applicant_street(applicant.organisation_id)
    key = selectors.checkup_street_key(year, street)
    pool = QuotaPool.objects.filter(key=key).first()
    if pool is None or pool.capacity == 0:
        raise QuotaFull(NO_ALLOCATION.format(street=street.name, year=year))
    return [
        QuotaSpec(key, STREET_POOL_LABEL.format(year=year, street=street.name)),
        QuotaSpec(
            selectors.checkup_district_key(year), DISTRICT_POOL_LABEL.format(year=year), selectors.DISTRICT_TOTAL_PARAM
        ),
    ]


def legal_checkup_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """Procedure.locked_facts: the street's quota and the places taken come from the pools, not the form
    (the rule's street_quota / street_places_taken / district_places_taken, excluding this enterprise)."""
    if organisation is None or organisation.street_id is None:
        return {}
    street = organisation.street
    facts: dict[str, Any] = {}
    pool = QuotaPool.objects.filter(key=selectors.checkup_street_key(policy_year, street)).first()
    if pool is not None and pool.capacity > 0:
        facts["street_quota"] = pool.capacity
        facts["street_places_taken"] = max(pool.taken - selectors.places_held_by(organisation, pool), 0)
    district = QuotaPool.objects.filter(key=selectors.checkup_district_key(policy_year)).first()
    facts["district_places_taken"] = (
        max(district.taken - selectors.places_held_by(organisation, district), 0) if district else 0
    )
    return facts


# --- Legal check-up records ------------------------------------------------------------------


def legal_checkup_record_open(application: Application) -> LegalCheckupRecord:
    """on_approved: the enterprise is on the list; its record starts in the phase already under way."""
    phase = selectors.phase_on(application.policy_year, timezone.localdate())
    record, _ = LegalCheckupRecord.objects.get_or_create(application=application, defaults={"phase": phase})
    return record


def check_legal_checkup_record_update(*, user: User, record: LegalCheckupRecord, phase: str) -> None:
    _require_district(user, "更新“法律体检”记录")
    if record.completed_at is not None:
        raise ApplicationError(RECORD_COMPLETED)
    if phase not in CheckupPhase.values:
        raise ApplicationError(PHASE_UNKNOWN.format(phase=phase), field="phase")
    if phase == record.phase:
        return
    current, wanted = CheckupPhase(record.phase), CheckupPhase(phase)
    if PHASE_ORDER.index(wanted) < PHASE_ORDER.index(current):
        raise ApplicationError(PHASE_BACKWARDS.format(current=current.label, phase=wanted.label), field="phase")
    window = selectors.phase_window(record.application.policy_year, phase)
    if window is not None and timezone.localdate() < window.starts:
        raise ApplicationError(
            PHASE_NOT_STARTED.format(
                phase=window.label, starts=f"{window.starts.year}年{window.starts.month}月{window.starts.day}日"
            ),
            field="phase",
        )


@transaction.atomic
def legal_checkup_record_update(
    *, user: User, record: LegalCheckupRecord, phase: str, provider: str = "", findings: str = ""
) -> LegalCheckupRecord:
    """District staff move the record forward through the phases and keep the findings."""
    record = LegalCheckupRecord.objects.select_for_update(of=("self",)).select_related("application").get(pk=record.pk)
    check_legal_checkup_record_update(user=user, record=record, phase=phase)
    record.phase, record.provider, record.findings = phase, provider.strip(), findings.strip()
    record.updated_by = user
    record.save(update_fields=["phase", "provider", "findings", "updated_by"])
    return record


def check_legal_checkup_record_complete(*, user: User, record: LegalCheckupRecord) -> None:
    _require_district(user, "办结“法律体检”")
    if record.completed_at is not None:
        raise ApplicationError(RECORD_COMPLETED)
    if record.phase != CheckupPhase.EVALUATION or not record.findings.strip():
        raise ApplicationError(COMPLETE_NEEDS_EVALUATION)


@transaction.atomic
def legal_checkup_record_complete(*, user: User, record: LegalCheckupRecord) -> LegalCheckupRecord:
    """After the evaluation: the record is completed and the application closed (办结)."""
    from projects.services.transitions import application_transition

    record = LegalCheckupRecord.objects.select_for_update(of=("self",)).select_related("application").get(pk=record.pk)
    check_legal_checkup_record_complete(user=user, record=record)
    application_transition(user=user, application=record.application, action="close")
    record.completed_at, record.updated_by = timezone.now(), user
    record.save(update_fields=["completed_at", "updated_by"])
    return record
