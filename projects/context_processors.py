from .selectors import portal_member, unread_notifications


def portal(request):
    """Navigation for signed-in users: are they a member, how many unread messages. A member's page
    has read the member record already (selectors.portal_member, once per request, with the count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = portal_member(request)
    if member is not None:
        return {"portal_is_member": True, "portal_unread": member.portal_unread}
    return {"portal_is_member": False, "portal_unread": unread_notifications(user)}
