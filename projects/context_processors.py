from members.selectors import member_for_user

from .selectors import unread_notifications


def portal(request):
    """Navigation for signed-in users: are they a member, how many unread messages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"portal_is_member": member_for_user(user) is not None, "portal_unread": unread_notifications(user)}
