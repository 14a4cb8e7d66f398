"""The one transition table, and who may perform each transition.

Portal, admin, API and tasks all go through projects.services.transitions,
which asks this module; nothing else changes an application's status.

    draft ──submit──▶ submitted ──route──▶ first review level of the project's chain
    review level ──approve──▶ next level … ──▶ approved
    (a level may be a step of one organisation: legal aid is 区总工会受理 → 区总工会审核, then 指派 on its case)
    approved ──batch──▶ batched ──mark_paid──▶ paid ──close──▶ closed
              batched ──unbatch──▶ approved            (the payout batch was cancelled)
    paid ──payment_failed──▶ payment_failed ──rebatch──▶ batched ──mark_paid──▶ paid
                                                       (reconciliation: the payment failed or came back;
                                                        a new batch sends the same ledger row again)
    closed ──payment_failed_closed──▶ payment_failed   (the same, for one closed after it was paid)
              batched ──unrebatch──▶ payment_failed   (that re-payment batch was cancelled)
    approved ──close──▶ closed                         (nothing to pay, or what follows is done)
    review level ──return (reason)──▶ returned ──submit──▶ submitted …
    review level ──reject (reason)──▶ rejected
    draft/submitted/review/returned ──withdraw──▶ withdrawn   (by the applicant)
    approved booking (no review chain) ──cancel──▶ withdrawn   (by the applicant; frees the place)

batch, unbatch, mark_paid, payment_failed(_closed), rebatch and unrebatch belong to payout batches alone (actor PAYOUTS): one district
staff member prepares a batch, another confirms it (payouts' maker-checker). No single
person can mark an application paid, and no page offers it.

Levels held by the applicant's own side are skipped when routing: a street union that
applies for one of its units does not review its own application at street level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import StaffRole, User
from members.selectors import is_district_staff, scope_for

from .models import Application, ApplicationStatus, ReviewLevel

S = ApplicationStatus

LEVEL_STATUS = {
    ReviewLevel.GRASSROOTS: S.GRASSROOTS_REVIEW,
    ReviewLevel.STREET: S.STREET_REVIEW,
    ReviewLevel.DISTRICT_INTAKE: S.DISTRICT_INTAKE,
    ReviewLevel.DISTRICT: S.DISTRICT_REVIEW,
    ReviewLevel.CITY: S.CITY_REVIEW,
}
STATUS_LEVEL = {status: level for level, status in LEVEL_STATUS.items()}
REVIEW_STATUSES = frozenset(LEVEL_STATUS.values())

# Which staff role reviews at each level. The city union's final review happens
# in the city's own system; district staff record its outcome here.
LEVEL_ROLE = {
    ReviewLevel.GRASSROOTS: StaffRole.GRASSROOTS,
    ReviewLevel.STREET: StaffRole.STREET,
    ReviewLevel.DISTRICT_INTAKE: StaffRole.DISTRICT,
    ReviewLevel.DISTRICT: StaffRole.DISTRICT,
    ReviewLevel.CITY: StaffRole.DISTRICT,
}

APPLICANT, REVIEWER, DISTRICT, SYSTEM, PAYOUTS = "applicant", "reviewer", "district", "system", "payouts"


def is_booking(application: Application) -> bool:
    """Bookings have no review chain: approved on submission, cancellable by the applicant."""
    return not application.review_chain


def has_amount(application: Application) -> bool:
    return application.amount > 0


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: computed from the application's review chain
    actor: str
    needs_reason: bool = False
    guard: Callable[[Application], bool] | None = None  # an extra condition on the application
    # The same guard as a condition on the table, for transitions made in bulk (payout steps): the
    # UPDATE … WHERE moves exactly the applications `guard` would let through, one by one.
    guard_q: Q | None = None


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "提交申请", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, APPLICANT),
        Transition("route", "进入审核", frozenset({S.SUBMITTED}), None, SYSTEM),
        Transition("approve", "审核通过", REVIEW_STATUSES, None, REVIEWER),
        Transition("return", "退回补正", REVIEW_STATUSES, S.RETURNED, REVIEWER, needs_reason=True),
        Transition("reject", "不予通过", REVIEW_STATUSES, S.REJECTED, REVIEWER, needs_reason=True),
        Transition(
            "withdraw",
            "撤回申请",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, *REVIEW_STATUSES}),
            S.WITHDRAWN,
            APPLICANT,
        ),
        Transition("cancel", "取消预约", frozenset({S.APPROVED}), S.WITHDRAWN, APPLICANT, guard=is_booking),
        Transition(
            "batch",
            "纳入给付批次",
            frozenset({S.APPROVED}),
            S.BATCHED,
            PAYOUTS,
            guard=has_amount,
            guard_q=Q(amount__gt=0),
        ),
        Transition("unbatch", "移出给付批次", frozenset({S.BATCHED}), S.APPROVED, PAYOUTS),
        Transition("mark_paid", "确认已给付", frozenset({S.BATCHED}), S.PAID, PAYOUTS),
        Transition("payment_failed", "对账：给付未到账", frozenset({S.PAID}), S.PAYMENT_FAILED, PAYOUTS),
        Transition(
            "payment_failed_closed", "对账：给付未到账（已办结）", frozenset({S.CLOSED}), S.PAYMENT_FAILED, PAYOUTS
        ),
        Transition("rebatch", "纳入重新给付批次", frozenset({S.PAYMENT_FAILED}), S.BATCHED, PAYOUTS),
        Transition("unrebatch", "移出重新给付批次", frozenset({S.BATCHED}), S.PAYMENT_FAILED, PAYOUTS),
        Transition("close", "办结", frozenset({S.APPROVED, S.PAID}), S.CLOSED, DISTRICT),
    )
}

# What the timeline shows for each event's action: the transitions' labels, and the events that are
# not transitions (projects.services: submission, review_facts, recalculation).
EVENT_LABELS: dict[str, str] = {
    "create": _("创建申请"),
    **{action: t.label for action, t in TRANSITIONS.items()},
    "supply_facts": _("填写审核事实"),
    "materials_complete": _("材料收齐"),
    "recalculate": _("按当前政策表重新计算"),
}

# Error messages: constants the tests assert on.
NOT_ALLOWED_FROM = "当前状态为“{status}”，不能{action}。"
NOT_YOURS = "您无权对这份申请执行“{action}”。"
REASON_REQUIRED = "请填写{action}的理由。"
SAME_REVIEWER = "同一工作人员不能在相邻两级审核同一申请（职责分离）：您已在{level}审核通过。"
OWN_APPLICATION = "申请方不能审核自己提出的申请（职责分离）。"
PAYOUTS_ONLY = "“{action}”只能通过给付批次办理（一人制单、另一人复核）。"


def reviewing_organisation_id(application: Application, level: str) -> int | None:
    """The organisation whose staff review at `level` (None: the district or the city, reviewed by
    district staff)."""
    if level == ReviewLevel.GRASSROOTS:
        return application.organisation_id
    if level == ReviewLevel.STREET:
        return application.street_id
    return None


def applicant_side_organisation_id(application: Application) -> int | None:
    """The organisation applying: a unit applying for itself, or the staff's organisation when staff
    applied on an organisation's behalf (a street union for one of its units)."""
    creator = application.created_by
    if creator is not None and creator.is_staff and creator.organisation_id is not None:
        return creator.organisation_id
    return application.applicant_organisation_id


def levels_to_review(application: Application) -> list[str]:
    """The chain without the levels held by the applicant's own side."""
    own = applicant_side_organisation_id(application)
    return [
        level
        for level in application.review_chain
        if own is None or reviewing_organisation_id(application, level) != own
    ]


def skipped_levels(application: Application) -> list[str]:
    remaining = levels_to_review(application)
    return [level for level in application.review_chain if level not in remaining]


def first_status(application: Application) -> str:
    chain = levels_to_review(application)
    return LEVEL_STATUS[ReviewLevel(chain[0])] if chain else S.APPROVED


def next_status(application: Application) -> str:
    """After approval at the current level: the next level of the chain, or approved."""
    chain = levels_to_review(application)
    level = STATUS_LEVEL[ApplicationStatus(application.status)]
    index = chain.index(level.value)
    return LEVEL_STATUS[ReviewLevel(chain[index + 1])] if index + 1 < len(chain) else S.APPROVED


def previous_level(application: Application) -> str | None:
    """The level reviewed just before the current one in this application's chain."""
    level = current_level(application)
    chain = levels_to_review(application)
    if level is None or level.value not in chain:
        return None
    index = chain.index(level.value)
    return chain[index - 1] if index > 0 else None


def target_status(transition: Transition, application: Application) -> str:
    if transition.target is not None:
        return transition.target
    if transition.action == "route":
        return first_status(application)
    return next_status(application)


def current_level(application: Application) -> ReviewLevel | None:
    status = ApplicationStatus(application.status)
    return STATUS_LEVEL.get(status)


def is_applicant(user: User, application: Application) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if application.applicant_member_id is not None:
        return application.applicant_member.user_id == user.pk
    # An organisation applies through its own staff (or the street staff who applied for it).
    if scope_for(user).is_none:
        return False
    return user.organisation_id == application.applicant_organisation_id or application.created_by_id == user.pk


def on_applicant_side(user: User, application: Application) -> bool:
    """The applicant, whoever made the application, and staff of the organisation applying."""
    if application.created_by_id == user.pk or is_applicant(user, application):
        return True
    own = applicant_side_organisation_id(application)
    return own is not None and user.organisation_id == own


def in_scope(user: User, application: Application) -> bool:
    scope = scope_for(user)
    if scope.is_none:
        return False
    if scope.level == "district":
        return True
    if scope.level == "street":
        return application.street_id == scope.organisation_id
    return application.organisation_id == scope.organisation_id


def may_review(user: User, application: Application) -> bool:
    level = current_level(application)
    if level is None or not in_scope(user, application) or on_applicant_side(user, application):
        return False
    role = StaffRole.DISTRICT if user.is_superuser else user.role
    return role == LEVEL_ROLE[level]


def may_perform(user: User | None, application: Application, transition: Transition) -> bool:
    if transition.guard is not None and not transition.guard(application):
        return False
    if transition.actor == SYSTEM:
        return user is None
    if user is None:
        return False
    if transition.actor == APPLICANT:
        return is_applicant(user, application)
    if transition.actor == REVIEWER:
        return may_review(user, application)
    if transition.actor in (DISTRICT, PAYOUTS):
        return is_district_staff(user)
    return False


def allowed_in_bulk(transition: Transition) -> Q:
    """The applications `transition` may move, as one condition (for UPDATE … WHERE): its source
    status and its guard. Only for the payout steps, whose actor is checked once for the batch
    (may_perform_in_bulk); every other transition needs a person's check on each application."""
    if transition.actor != PAYOUTS:
        raise ValueError(f"{transition.action} is not made in bulk")
    if transition.guard is not None and transition.guard_q is None:
        raise ValueError(f"{transition.action} has a guard without its condition (guard_q)")
    condition = Q(status__in=sorted(transition.sources))
    return condition & transition.guard_q if transition.guard_q is not None else condition


def may_perform_in_bulk(user: User | None, transition: Transition) -> bool:
    return transition.actor == PAYOUTS and user is not None and is_district_staff(user)


def available_actions(user: User, application: Application) -> list[Transition]:
    """What this user may do to this application now (for buttons and admin actions). Never the
    payout steps: those are a batch's, never one application's."""
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources and t.actor not in (SYSTEM, PAYOUTS) and may_perform(user, application, t)
    ]


def approver_of(application: Application) -> User | None:
    """Who approved it (the last approval), or, for a booking approved on submission, who made it.
    Project apps name this person in the history of the records their on_approved hooks create."""
    event = application.events.filter(action="approve", actor__isnull=False).order_by("-pk").first()
    return event.actor if event is not None else application.created_by
