"""Staff accounts guard everyone's data: they need stronger passwords than members."""

from django.core.exceptions import ValidationError

STAFF_MIN_LENGTH = 12
STAFF_PASSWORD_WEAK = "工作人员密码至少需要12个字符，并包含大写字母、小写字母、数字和符号中的至少三类。"


class StaffPasswordValidator:
    def validate(self, password, user=None):
        if user is None or not (user.is_staff or user.is_superuser or getattr(user, "role", "member") != "member"):
            return
        classes = sum((
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ))
        if len(password) < STAFF_MIN_LENGTH or classes < 3:
            raise ValidationError(STAFF_PASSWORD_WEAK, code="staff_password_weak")

    def get_help_text(self):
        return STAFF_PASSWORD_WEAK
