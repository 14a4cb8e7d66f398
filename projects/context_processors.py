from functools import cache

from .selectors import portal_navigation


def portal(request):
    """Navigation for signed-in users: are they a member, how many unread messages. Read only when a
    template shows them (the portal's base.html; the admin's pages never do), at most once per
    request: a member's page has read the member record already (selectors.portal_member, with the
    count); any other page asks both in one statement (selectors.portal_navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def navigation() -> tuple[bool, int]:
        return portal_navigation(request)

    return {"portal_is_member": lambda: navigation()[0], "portal_unread": lambda: navigation()[1]}
