from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# Hardship members' wishes: street/town staff (who verify them) and district staff (who publish them) only.
ROLE_PERMISSIONS = {
    G: [],
    S: ["micro_wishes.view_microwish", "micro_wishes.change_microwish"],
    D: ["micro_wishes.view_microwish", "micro_wishes.change_microwish"],
}
