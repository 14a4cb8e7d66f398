"""The one transition table, and who may perform each transition.

Portal, admin, API and tasks all go through projects.services.transitions,
which asks this module; nothing else changes an application's status.

    draft ──submit──▶ submitted ──route──▶ first review level of the project's chain
    review level ──approve──▶ next level … ──▶ approved
    (a level may be a step of one organisation: legal aid is 区总工会受理 → 区总工会审核, then 指派 on its case)
    approved ──mark_paid──▶ paid ──close──▶ closed     (its payout batch paid it)
    paid ──payment_failed──▶ payment_failed ──mark_repaid──▶ paid
                                                       (reconciliation: the payment failed or came back;
                                                        a new batch sends the same ledger row again)
    closed ──payment_failed_closed──▶ payment_failed   (the same, for one closed after it was paid)
    approved ──close──▶ closed                         (nothing to pay, or what follows is done)
    review level ──return (reason)──▶ returned ──submit──▶ submitted …
    review level ──reject (reason)──▶ rejected
    draft/submitted/review/returned ──withdraw──▶ withdrawn   (by the applicant)
    approved booking (no review chain) ──cancel──▶ withdrawn   (by the applicant; frees the place)

mark_paid, mark_repaid and payment_failed(_closed) belong to payout batches alone (actor PAYOUTS): one
district staff member prepares a batch, another confirms it (payouts' maker-checker). No single
person can mark an application paid, and no page offers it.

A batch holds its applications by its ledger rows, not by a status: while one of an application's
payments waits in a batch (payouts registers the check, add_payout_hold), no transition but the
batch's own payout steps and no recalculation may touch it (is_held). The status "batched" is history:
applications held that way before 2026-12 moved back (payouts migration 0006), and their old events
still name it.

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
# The statuses a payout batch's payment waits on: granted and not paid, or paid and failed.
HOLDABLE = frozenset({S.APPROVED, S.PAYMENT_FAILED})

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
            "mark_paid",
            "确认已给付",
            frozenset({S.APPROVED}),
            S.PAID,
            PAYOUTS,
            guard=has_amount,
            guard_q=Q(amount__gt=0),
        ),
        Transition("mark_repaid", "确认已重新给付", frozenset({S.PAYMENT_FAILED}), S.PAID, PAYOUTS),
        Transition("payment_failed", "对账：给付未到账", frozenset({S.PAID}), S.PAYMENT_FAILED, PAYOUTS),
        Transition(
            "payment_failed_closed", "对账：给付未到账（已办结）", frozenset({S.CLOSED}), S.PAYMENT_FAILED, PAYOUTS
        ),
        Transition("close", "办结", frozenset({S.APPROVED, S.PAID}), S.CLOSED, DISTRICT),
    )
}

# What the timeline shows for each event's action: the transitions' labels, and the events that are
# not transitions (projects.services: submission, review_facts, recalculation).
EVENT_LABELS: dict[str, str] = {
    "create": _("创建申请"),
    **{action: t.label for action, t in TRANSITIONS.items()},
    # Events of the payout steps before batches held applications by their ledger rows (history).
    "batch": _("纳入给付批次"),
    "unbatch": _("移出给付批次"),
    "rebatch": _("纳入重新给付批次"),
    "unrebatch": _("移出重新给付批次"),
    "ledger_hold": _("给付批次改由给付台账锁定"),  # payouts migration 0006
    "supply_facts": _("填写审核事实"),
    "materials_complete": _("材料收齐"),
    "recalculate": _("按当前政策表重新计算"),
}

# Error messages: constants the tests assert on.
NOT_ALLOWED_FROM = "当前状态为“{status}”，不能{action}。"
NOT_YOURS = "您无权对这份申请执行“{action}”。"
HELD = "这份申请已列入给付批次 {batch}，等待给付，不能{action}。"
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


# Checks that say which payout batch holds an application (its reference), or None. The payouts app
# registers its own (PayoutsConfig.ready): projects knows nothing of the ledger.
_PAYOUT_HOLDS: list[Callable[[Application], str | None]] = []


def add_payout_hold(check: Callable[[Application], str | None]) -> None:
    if check not in _PAYOUT_HOLDS:
        _PAYOUT_HOLDS.append(check)


def is_held(application: Application) -> str | None:
    """The reference of the payout batch a payment of this application waits in, or None."""
    if application.pk is None or application.status not in HOLDABLE:
        return None
    for check in _PAYOUT_HOLDS:
        batch = check(application)
        if batch:
            return batch
    return None


def may_perform_in_bulk(user: User | None, transition: Transition) -> bool:
    return transition.actor == PAYOUTS and user is not None and is_district_staff(user)


def available_actions(user: User, application: Application) -> list[Transition]:
    """What this user may do to this application now (for buttons and admin actions). Never the
    payout steps: those are a batch's, never one application's; nothing while a batch holds it."""
    if is_held(application):
        return []
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
