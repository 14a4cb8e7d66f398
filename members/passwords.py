"""Password rules, in the portal's own Chinese words.

Django's validators do the checking; their messages are replaced here by plain Chinese (a member
must never read English validator text or a code name), and staff accounts, which guard everyone's
data, need stronger passwords than members.
"""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError

TOO_SHORT = "密码至少需要{n}个字符。"
TOO_COMMON = "这个密码太常见，容易被猜到，请换一个。"
ALL_DIGITS = "密码不能全是数字，请加入字母或符号。"
TOO_SIMILAR = "密码与您的卡号、姓名或用户名太相似，请换一个。"


def _reworded(validator, message: str):
    class Reworded(validator):
        def validate(self, password, user=None):
            try:
                super().validate(password, user)
            except ValidationError as exc:
                raise ValidationError(message.format(n=getattr(self, "min_length", "")), code=exc.code) from None

        def get_help_text(self):
            return message.format(n=getattr(self, "min_length", ""))

    Reworded.__name__ = validator.__name__
    return Reworded


MinimumLengthValidator = _reworded(django_validators.MinimumLengthValidator, TOO_SHORT)
CommonPasswordValidator = _reworded(django_validators.CommonPasswordValidator, TOO_COMMON)
NumericPasswordValidator = _reworded(django_validators.NumericPasswordValidator, ALL_DIGITS)
UserAttributeSimilarityValidator = _reworded(django_validators.UserAttributeSimilarityValidator, TOO_SIMILAR)

STAFF_MIN_LENGTH = 12
STAFF_PASSWORD_WEAK = "工作人员密码至少需要12个字符，并包含大写字母、小写字母、数字和符号中的至少三类。"


class StaffPasswordValidator:
    def validate(self, password, user=None):
        if user is None or not (user.is_staff or user.is_superuser or getattr(user, "role", "member") != "member"):
            return
        classes = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )
        if len(password) < STAFF_MIN_LENGTH or classes < 3:
            raise ValidationError(STAFF_PASSWORD_WEAK, code="staff_password_weak")

    def get_help_text(self):
        return STAFF_PASSWORD_WEAK
