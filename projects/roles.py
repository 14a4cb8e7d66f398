from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT
REVIEW = [
    "projects.view_application",
    "projects.change_application",
    "projects.view_applicationevent",
    "projects.view_attachment",
]

# Reviewing is "change" on Application; no role deletes applications (withdrawal and rejection only).
# A grassroots union reviews: sessions and quota pools are street and district work (the application's
# page names the session booked), so they are not in its menu.
ROLE_PERMISSIONS = {
    G: REVIEW,
    S: [
        *REVIEW,
        "projects.view_offering",
        "projects.add_offering",
        "projects.change_offering",
        "projects.view_quotapool",
    ],
    D: [
        *REVIEW,
        "projects.view_offering",
        "projects.add_offering",
        "projects.change_offering",
        "projects.view_quotapool",
        "projects.add_quotapool",
        "projects.change_quotapool",
    ],
}
