"""Sign-in backends.

Members sign in with their member-card number or phone plus password, and only
while their member record is active. Staff sign in with a username; member
logins never go through the username path.
"""

from django.contrib.auth.backends import ModelBackend

from .models import StaffRole
from .selectors import member_find_for_login


class MemberCardOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        member = member_find_for_login(username or "")
        if member is None:
            return None
        user = member.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and (user.role != StaffRole.MEMBER or user.is_superuser)
