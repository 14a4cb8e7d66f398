from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# Street (town, park, industry) unions deliver “五送” and record it; the district follows up check-ups.
ROLE_PERMISSIONS = {
    # A grassroots union neither records deliveries nor sees any (they are the street's rows).
    G: [],
    S: [
        "flexible_workers.view_servicedelivery",
        "flexible_workers.add_servicedelivery",
        "flexible_workers.change_servicedelivery",
        # 2019 §4 (一): the street (park, industry) union registers paid-in-one-go members.
        "flexible_workers.view_realnameregistration",
        "flexible_workers.add_realnameregistration",
    ],
    D: [
        "flexible_workers.view_servicedelivery",
        "flexible_workers.delete_servicedelivery",
        "flexible_workers.view_realnameregistration",
        "flexible_workers.add_realnameregistration",
    ],
}
