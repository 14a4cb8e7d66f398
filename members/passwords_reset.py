"""Members set (or first create) their portal password with a code sent to the
phone their union registered. Answers never reveal whether an account exists."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Member, PasswordResetCode, StaffRole, User
from .sms import send_sms, sms_available

CODE_VALID = timedelta(minutes=10)
RESEND_AFTER = timedelta(minutes=1)
MAX_CODES_PER_DAY = 5
MAX_ATTEMPTS = 5

SENT = "如果该卡号或手机号已登记，验证码已发送至登记的手机（10分钟内有效）。"
CODE_WRONG = "验证码不正确或已过期，请重新获取。"
SMS_UNAVAILABLE = "短信服务暂未开通，请联系所在工会。"
SMS_TEXT = "【嘉定工会】您的验证码是{code}，10分钟内有效，用于设置会员服务平台登录密码。请勿告诉他人。"


def _member_for(identifier: str) -> Member | None:
    identifier = (identifier or "").strip()
    if not (identifier.isascii() and identifier.isdigit()):
        return None
    field = "card_number" if len(identifier) == 10 else "phone" if len(identifier) == 11 else None
    if field is None:
        return None
    return Member.objects.select_related("user").filter(is_active=True, **{field: identifier}).exclude(phone="").first()


@transaction.atomic
def password_code_request(*, identifier: str) -> str:
    """Send a code if the member exists and is not asking too often. Always the same answer.

    Without an SMS gateway (the same for every phone) it raises ValidationError(SMS_UNAVAILABLE)."""
    if not sms_available():
        raise ValidationError(SMS_UNAVAILABLE, code="sms_unavailable")
    member = _member_for(identifier)
    if member is None:
        return SENT
    now = timezone.now()
    recent = PasswordResetCode.objects.select_for_update().filter(member=member, created_at__gte=now - timedelta(days=1))
    if recent.count() >= MAX_CODES_PER_DAY or recent.filter(created_at__gte=now - RESEND_AFTER).exists():
        return SENT
    code = f"{secrets.randbelow(10**6):06d}"
    PasswordResetCode.objects.create(member=member, code_hash=make_password(code), expires_at=now + CODE_VALID)
    transaction.on_commit(lambda: send_sms(member.phone, SMS_TEXT.format(code=code)))
    return SENT


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
    latest = None
    if member is not None:
        latest = (PasswordResetCode.objects.select_for_update()
                  .filter(member=member, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first())
    if latest is None or latest.attempts >= MAX_ATTEMPTS:
        return None, True
    if not check_password((code or "").strip(), latest.code_hash):
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
        return None, True
    user = member.user or User(username=member.card_number, role=StaffRole.MEMBER, first_name=member.name)
    validate_password(new_password, user)  # raises: nothing written, the code stays usable
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
