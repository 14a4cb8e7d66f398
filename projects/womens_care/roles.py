from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT
VIEW = ["womens_care.view_mommyroom", "womens_care.view_parentchildstudio"]

# Rows are created by approving a grant; district staff keep them current. Nobody adds or deletes by hand.
# A grassroots union acts on none of it (its room is on the public pages): not in its menu.
ROLE_PERMISSIONS = {
    G: [],
    S: VIEW,
    D: [*VIEW, "womens_care.change_mommyroom", "womens_care.change_parentchildstudio"],
}
