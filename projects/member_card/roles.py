from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# A unit's grassroots union chooses its coverage class; the district may choose for it; streets follow.
ROLE_PERMISSIONS = {
    G: [
        "member_card.view_unitcoverageclass",
        "member_card.add_unitcoverageclass",
        "member_card.change_unitcoverageclass",
    ],
    S: ["member_card.view_unitcoverageclass"],
    D: [
        "member_card.view_unitcoverageclass",
        "member_card.add_unitcoverageclass",
        "member_card.change_unitcoverageclass",
    ],
}
