"""Reads for legal aid and legal check-ups. Staff-facing reads filter through members.selectors.scope_for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import DurationField, ExpressionWrapper, F, QuerySet, Sum, Value
from django.utils import timezone

from members.models import Member, Organisation, User
from members.selectors import scope_for
from projects.models import INACTIVE_STATUSES, Application, QuotaClaim, QuotaPool
from subsidies.selectors import policy_data

from .models import PHASE_ORDER, CaseStatus, CheckupPhase, LegalAidCase, LegalAidCentre, LegalCheckupRecord

LEGAL_AID_RULE = "legal_aid"
LEGAL_CHECKUP_RULE = "legal_checkup"
PHASE_TABLE = "legal_checkup_phases"
DISTRICT_TOTAL_PARAM = "legal_checkup_enterprises"


# --- Legal-aid cases ----------------------------------------------------------------------


def _scoped(user: User, queryset: QuerySet) -> QuerySet:
    return scope_for(user).filter(queryset, organisation="application__organisation", street="application__street")


def legal_aid_cases_visible_to(user: User) -> QuerySet[LegalAidCase]:
    return _scoped(
        user, LegalAidCase.objects.select_related("application", "application__applicant_member", "centre", "lawyer")
    )


def legal_aid_cases_unassigned(*, user: User, now: datetime | None = None) -> QuerySet[LegalAidCase]:
    """Accepted cases still waiting for a centre and a lawyer, longest-waiting first,
    each annotated with `waited` (a timedelta since acceptance)."""
    now = now or timezone.now()
    return (
        legal_aid_cases_visible_to(user)
        .filter(status=CaseStatus.AWAITING)
        .annotate(waited=ExpressionWrapper(Value(now) - F("accepted_at"), output_field=DurationField()))
        .order_by("accepted_at", "pk")
    )


def days_waiting(case: LegalAidCase, now: datetime | None = None) -> int:
    """Whole days since the case was accepted (for lists; counted in Shanghai time)."""
    now = now or timezone.now()
    return (timezone.localdate(now) - timezone.localdate(case.accepted_at)).days


def legal_aid_case_of_member(member: Member, reference: str) -> tuple[Application, LegalAidCase | None] | None:
    """The member's own legal-aid application and its case (None until accepted), or None
    for anything that is not the member's legal-aid application."""
    application = (
        Application.objects.filter(applicant_member=member, reference=reference, rule_id=LEGAL_AID_RULE)
        .select_related("legal_aid_case__centre", "legal_aid_case__lawyer")
        .first()
    )
    if application is None:
        return None
    case = getattr(application, "legal_aid_case", None)
    return application, case


def active_centres() -> QuerySet[LegalAidCentre]:
    return LegalAidCentre.objects.filter(is_active=True).select_related("street").order_by("kind", "name")


def lawyers_of(centre: LegalAidCentre):
    return centre.lawyers.filter(is_active=True).order_by("name")


# --- Legal check-ups ---------------------------------------------------------------------


def checkup_street_key(policy_year: int, street: Organisation) -> str:
    return f"legal_checkup:{policy_year}:street:{street.code}"


def checkup_district_key(policy_year: int) -> str:
    return f"legal_checkup:{policy_year}:district"


def checkup_street_prefix(policy_year: int) -> str:
    return f"legal_checkup:{policy_year}:street:"


def checkup_pool_street(pool: QuotaPool) -> tuple[int, Organisation | None]:
    """(policy year, street) of a street pool, from its key."""
    year, _sep, code = pool.key.removeprefix("legal_checkup:").partition(":street:")
    return int(year), Organisation.objects.filter(code=code).first()


def checkup_district_total(policy_year: int) -> int:
    return int(policy_data(policy_year).value(DISTRICT_TOTAL_PARAM))


def checkup_allocated(policy_year: int, *, excluding_key: str | None = None) -> int:
    """Places allocated to the streets in a year (optionally leaving one street's pool out)."""
    pools = QuotaPool.objects.filter(key__startswith=checkup_street_prefix(policy_year))
    if excluding_key is not None:
        pools = pools.exclude(key=excluding_key)
    return pools.aggregate(total=Sum("capacity"))["total"] or 0


def checkup_allocations_visible_to(user: User) -> QuerySet[QuotaPool]:
    """Street staff see their own street's allocations; district staff see all; others none."""
    from .models import LegalCheckupAllocation

    allocations = LegalCheckupAllocation.objects.filter(key__startswith="legal_checkup:", key__contains=":street:")
    scope = scope_for(user)
    if scope.level == "district":
        return allocations
    if scope.level == "street":
        street = Organisation.objects.get(pk=scope.organisation_id)
        return allocations.filter(key__endswith=f":street:{street.code}")
    return allocations.none()


def places_held_by(organisation: Organisation, pool: QuotaPool) -> int:
    """Places of `pool` held by the organisation's own active check-up applications."""
    held = (
        QuotaClaim.objects.filter(pool=pool, application__applicant_organisation=organisation)
        .exclude(application__status__in=INACTIVE_STATUSES)
        .aggregate(total=Sum("places"))["total"]
    )
    return held or 0


@dataclass(frozen=True)
class PhaseWindow:
    code: str
    label: str
    starts: date
    ends: date


def checkup_phases(policy_year: int) -> list[PhaseWindow]:
    """The phases of the year's policy table (2021 「法律体检」一、实施时间), in order."""
    table = policy_data(policy_year).table(PHASE_TABLE)
    by_code = {row["phase"]: row for row in table.rows}
    return [
        PhaseWindow(p.value, by_code[p.value]["label"], by_code[p.value]["starts"], by_code[p.value]["ends"])
        for p in PHASE_ORDER
        if p.value in by_code
    ]


def phase_window(policy_year: int, phase: str) -> PhaseWindow | None:
    return next((w for w in checkup_phases(policy_year) if w.code == phase), None)


def phase_on(policy_year: int, day: date) -> str:
    """The phase a record starts in: the last phase already begun on `day` (the first before any)."""
    current = CheckupPhase.TRAINING.value
    for window in checkup_phases(policy_year):
        if window.starts <= day:
            current = window.code
    return current


def legal_checkup_records_visible_to(user: User) -> QuerySet[LegalCheckupRecord]:
    return _scoped(
        user,
        LegalCheckupRecord.objects.select_related(
            "application", "application__applicant_organisation", "application__street"
        ),
    )
