"""Members set (or first create) their portal password with a code sent to the phone their
union registered. Nothing here tells anyone whether an account exists.

Asking for a code (`password_code_request`, in the web process) does the same work for every
identifier: it counts the request against the limits (cache counters), queues a task and
answers SENT; it never looks the member up. The task (`password_code_issue`, in the Celery
worker) does: if the identifier names an active member with a phone who has not had too many
codes, it stores the code and texts it after commit. A code is stored as a keyed HMAC
(SECRET_KEY): six digits valid for ten minutes with five tries need no slow password hash,
which cost ~200 ms that only existing members paid.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Member, PasswordResetCode, StaffRole, User
from .ratelimit import Limit, LimitExceeded, hit
from .sms import send_sms, sms_available

CODE_VALID = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Per member, whatever identifier was typed. Silent (the answer stays SENT): refusing out loud
# would tell that the member exists.
RESEND_AFTER = timedelta(minutes=1)
MAX_CODES_PER_DAY = 5

SENT = "如果该卡号或手机号已登记，验证码已发送至登记的手机（10分钟内有效）。"
CODE_WRONG = "验证码不正确或已过期，请重新获取。"
SMS_UNAVAILABLE = "短信服务暂未开通，请联系所在工会。"
TOO_FREQUENT = "请求过于频繁，请{minutes}分钟后再试。"
SMS_TEXT = "【嘉定工会】您的验证码是{code}，10分钟内有效，用于设置会员服务平台登录密码。请勿告诉他人。"


def _lookup(identifier: str) -> dict | None:
    identifier = (identifier or "").strip()
    if not (identifier.isascii() and identifier.isdigit()):
        return None
    field = "card_number" if len(identifier) == 10 else "phone" if len(identifier) == 11 else None
    return None if field is None else {field: identifier}


def _member_for(identifier: str, *, lock: bool = False) -> Member | None:
    lookup = _lookup(identifier)
    if lookup is None:
        return None
    members = Member.objects.select_for_update() if lock else Member.objects.select_related("user")
    return members.filter(is_active=True, **lookup).exclude(phone="").first()


def code_digest(member_id: int, code: str) -> str:
    return salted_hmac("members.password_code", f"{member_id}:{code}", algorithm="sha256").hexdigest()


def _limits() -> dict[str, Limit]:
    return {
        name: Limit(f"sms_code_{name}", limit["count"], limit["period"])
        for name, limit in settings.SMS_CODE_LIMITS.items()
    }


def password_code_request(*, identifier: str, client_address: str | None) -> str:
    """Queue a code for whoever `identifier` names. The same work and the same answer (SENT)
    for every identifier, existing or not.

    Raises ValidationError: SMS_UNAVAILABLE without an SMS gateway (code "sms_unavailable"),
    TOO_FREQUENT over a limit (code "rate_limited").
    """
    identifier = (identifier or "").strip()
    if not sms_available():
        raise ValidationError(SMS_UNAVAILABLE, code="sms_unavailable")
    limits = _limits()
    try:
        # The address first: requests it is refused must not use up the identifier's or the portal's count.
        hit(limits["address"], client_address or "unknown")
        hit(limits["identifier"], identifier)
        hit(limits["portal"], "portal")
    except LimitExceeded as exc:
        raise ValidationError(TOO_FREQUENT.format(minutes=exc.minutes), code="rate_limited") from None
    from .tasks import send_password_code

    transaction.on_commit(lambda: send_password_code.delay(identifier))
    return SENT


@transaction.atomic
def password_code_issue(*, identifier: str) -> bool:
    """In the worker: store and text a code if `identifier` names an active member with a phone
    who has had fewer than MAX_CODES_PER_DAY codes today and none in the last minute.
    Returns whether a code was sent. The member row is locked, so a card-number request and a
    phone request for the same member arriving together send one code."""
    member = _member_for(identifier, lock=True)
    if member is None:
        return False
    now = timezone.now()
    recent = PasswordResetCode.objects.filter(member=member, created_at__gte=now - timedelta(days=1))
    if recent.count() >= MAX_CODES_PER_DAY or recent.filter(created_at__gte=now - RESEND_AFTER).exists():
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    PasswordResetCode.objects.create(member=member, code_hash=code_digest(member.pk, code), expires_at=now + CODE_VALID)
    phone = member.phone
    transaction.on_commit(lambda: send_sms(phone, SMS_TEXT.format(code=code)))
    return True


def password_code_confirm(*, identifier: str, code: str, new_password: str) -> User:
    """Check the code and set the password, creating the portal login if the member has none.

    A wrong code is counted and committed before refusing (a rollback would let codes
    be guessed without limit); five wrong codes use the code up.
    """
    with transaction.atomic():
        user, wrong = _confirm(identifier, code, new_password)
    if wrong:
        raise ValidationError({"code": CODE_WRONG})
    return user


def _confirm(identifier: str, code: str, new_password: str) -> tuple[User | None, bool]:
    member = _member_for(identifier)
    now = timezone.now()
    # The same query whether or not the member exists.
    latest = (
        PasswordResetCode.objects.select_for_update()
        .filter(member_id=member.pk if member else None, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if latest is None or latest.attempts >= MAX_ATTEMPTS:
        return None, True
    if not constant_time_compare(code_digest(member.pk, (code or "").strip()), latest.code_hash):
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
        return None, True
    user = member.user or User(username=member.card_number, role=StaffRole.MEMBER, first_name=member.name)
    try:
        validate_password(new_password, user)  # nothing written, the code stays usable
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(new_password)
    user.save()
    if member.user_id is None:
        member.user = user
        member.save(update_fields=["user"])
    latest.used_at = now
    latest.save(update_fields=["used_at"])
    from axes.utils import reset as axes_reset  # a member who just proved the phone is let back in

    axes_reset(username=user.get_username())  # the one counter for card number and phone (members/lockout.py)
    return user, False
