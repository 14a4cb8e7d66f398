"""Writes for “微心愿”: published on approval (the procedure's on_approved hook), then
claimed by a donor organisation and fulfilled, recorded by street/district staff.

Moves are explicit (ALLOWED_MOVES); each is a check (who, which state) and a
write on the locked row, with history and a message to the member.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import User
from members.selectors import scope_for
from projects import workflow
from projects.models import GRANTED_STATUSES, Application
from projects.services.errors import ApplicationError
from projects.services.notifications import applicant_users, notify
from projects.workflow import approver_of

from .models import MicroWish, WishCategory, WishStatus

W = WishStatus
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    W.OPEN: frozenset({W.CLAIMED}),
    W.CLAIMED: frozenset({W.FULFILLED, W.OPEN}),  # fulfilled, or the donor withdrew (released)
    W.FULFILLED: frozenset(),
}
MOVE_LABELS = {W.CLAIMED: "认领", W.FULFILLED: "确认实现", W.OPEN: "取消认领"}

WRONG_RULE = "申请 {ref} 不是“微心愿”申请。"
NOT_APPROVED = "申请 {ref} 尚未批准，不能发布心愿。"
NOT_STAFF = "只有街镇工会或区总工会工作人员可以办理微心愿。"
NOT_YOURS = "您无权处理这条微心愿。"
MOVE_NOT_ALLOWED = "心愿当前状态为“{status}”，不能{action}。"
DONOR_REQUIRED = "请填写认领单位。"
NOT_DESCRIBED = "心愿内容尚未填写，不能认领。"
CLAIMED_IN_FUTURE = "认领时间不能晚于现在。"
FULFILLED_IN_FUTURE = "实现日期不能晚于今天。"
FULFILLED_BEFORE_CLAIM = "实现日期不能早于认领日期（{date}）。"
RELEASE_REASON_REQUIRED = "请填写取消认领的原因。"
DESCRIPTION_REQUIRED = "请填写心愿内容。"
DESCRIPTION_TOO_LONG = "心愿内容不超过{limit}字。"
DESCRIPTION_LOCKED = "心愿已被认领，内容不能再修改。"
DESCRIPTION_LIMIT = 500

HELD = GRANTED_STATUSES


def _lock(wish: MicroWish) -> MicroWish:
    return (
        MicroWish.objects.select_for_update(of=("self",))
        .select_related("application", "application__applicant_member", "application__applicant_member__user")
        .get(pk=wish.pk)
    )


def check_staff(user: User, wish: MicroWish) -> None:
    """Street staff of the member's street/town, or district staff."""
    if scope_for(user).level not in ("street", "district"):
        raise ApplicationError(NOT_STAFF)
    if not workflow.in_scope(user, wish.application):
        raise ApplicationError(NOT_YOURS)


def is_owner(user: User, wish: MicroWish) -> bool:
    member = wish.application.applicant_member
    return member is not None and member.user_id is not None and member.user_id == user.pk and member.is_active


def _check_move(wish: MicroWish, to: str) -> None:
    if to not in ALLOWED_MOVES[wish.status]:
        raise ApplicationError(MOVE_NOT_ALLOWED.format(status=W(wish.status).label, action=MOVE_LABELS[to]))


def _save(wish: MicroWish, user: User | None) -> None:
    wish._history_user = user
    wish.full_clean(exclude=["application"])
    wish.save()


def _tell_member(wish: MicroWish, title: str, body: str = "") -> None:
    notify(recipients=applicant_users(wish.application), title=title, body=body, application=wish.application)


def _clean_description(description: str) -> str:
    text = (description or "").strip()
    if not text:
        raise ValidationError({"description": DESCRIPTION_REQUIRED})
    if len(text) > DESCRIPTION_LIMIT:
        raise ValidationError({"description": DESCRIPTION_TOO_LONG.format(limit=DESCRIPTION_LIMIT)})
    return text


@transaction.atomic
def micro_wish_publish(*, application: Application) -> MicroWish:
    """The wish of an approved application, open for claiming (idempotent)."""
    existing = MicroWish.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.rule_id != "micro_wish":
        raise ApplicationError(WRONG_RULE.format(ref=application.reference))
    if application.status not in HELD:
        raise ApplicationError(NOT_APPROVED.format(ref=application.reference))
    wish = MicroWish(application=application, category=WishCategory(application.facts["category"]), status=W.OPEN)
    _save(wish, approver_of(application))
    return wish


def on_micro_wish_approved(application: Application) -> None:
    micro_wish_publish(application=application)


@transaction.atomic
def micro_wish_describe(*, user: User, wish: MicroWish, description: str) -> MicroWish:
    """What the member wishes for, in their words: written by the member or by the staff who verified it,
    while the wish is still open."""
    wish = _lock(wish)
    if not is_owner(user, wish):
        check_staff(user, wish)
    if wish.status != W.OPEN:
        raise ApplicationError(DESCRIPTION_LOCKED)
    wish.description = _clean_description(description)
    _save(wish, user)
    return wish


@transaction.atomic
def micro_wish_note(*, user: User, wish: MicroWish, note: str) -> MicroWish:
    wish = _lock(wish)
    check_staff(user, wish)
    wish.note = (note or "").strip()
    _save(wish, user)
    return wish


@transaction.atomic
def micro_wish_claim(*, user: User, wish: MicroWish, donor: str, claimed_at: datetime | None = None) -> MicroWish:
    """A donor organisation takes the wish on (recorded by staff: donors are not users)."""
    wish = _lock(wish)
    check_staff(user, wish)
    _check_move(wish, W.CLAIMED)
    if not wish.description.strip():
        raise ApplicationError(NOT_DESCRIBED)
    donor = (donor or "").strip()
    if not donor:
        raise ValidationError({"claimed_by": DONOR_REQUIRED})
    now = timezone.now()
    if claimed_at is not None and claimed_at > now:
        raise ValidationError({"claimed_at": CLAIMED_IN_FUTURE})
    wish.status, wish.claimed_by, wish.claimed_at = W.CLAIMED, donor, claimed_at or now
    _save(wish, user)
    _tell_member(wish, f"您的微心愿已被“{donor}”认领。")
    return wish


@transaction.atomic
def micro_wish_release(*, user: User, wish: MicroWish, reason: str) -> MicroWish:
    """The donor withdrew: the wish is open again; who and why stay in the note and the history."""
    wish = _lock(wish)
    check_staff(user, wish)
    _check_move(wish, W.OPEN)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": RELEASE_REASON_REQUIRED})
    line = f"{timezone.localdate():%Y-%m-%d} 取消认领（原认领单位：{wish.claimed_by}）：{reason}"
    wish.note = f"{wish.note}\n{line}".strip()
    wish.status, wish.claimed_by, wish.claimed_at = W.OPEN, "", None
    _save(wish, user)
    return wish


@transaction.atomic
def micro_wish_fulfil(*, user: User, wish: MicroWish, fulfilled_on: date, note: str = "") -> MicroWish:
    wish = _lock(wish)
    check_staff(user, wish)
    _check_move(wish, W.FULFILLED)
    if fulfilled_on > timezone.localdate():
        raise ValidationError({"fulfilled_on": FULFILLED_IN_FUTURE})
    claimed_on = timezone.localtime(wish.claimed_at).date()
    if fulfilled_on < claimed_on:
        raise ValidationError({"fulfilled_on": FULFILLED_BEFORE_CLAIM.format(date=f"{claimed_on:%Y-%m-%d}")})
    wish.status, wish.fulfilled_on = W.FULFILLED, fulfilled_on
    if note.strip():
        wish.note = f"{wish.note}\n{note.strip()}".strip()
    _save(wish, user)
    _tell_member(wish, "您的微心愿已实现。")
    return wish
