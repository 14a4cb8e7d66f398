from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# Rows are created by approving an application; district staff keep the stock current. A grassroots
# union acts on none of it (its room is on the public 职工书屋 page): not in its menu.
ROLE_PERMISSIONS = {
    G: [],
    S: ["reading_rooms.view_readingroom"],
    D: ["reading_rooms.view_readingroom", "reading_rooms.change_readingroom"],
}
