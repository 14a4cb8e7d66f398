from functools import cache

from .selectors import portal_member, unread_notifications


def portal(request):
    """Navigation for signed-in users: are they a member, how many unread messages. Both are read
    only when a template shows them (the portal's base.html; the admin's pages never do), at most
    once per request: a member's page has read the member record already (selectors.portal_member,
    once per request, with the count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def is_member() -> bool:
        return portal_member(request) is not None

    @cache
    def unread() -> int:
        member = portal_member(request)
        return member.portal_unread if member is not None else unread_notifications(user)

    return {"portal_is_member": is_member, "portal_unread": unread}
