from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# Rows are created by approving an application; district staff keep the stock current.
ROLE_PERMISSIONS = {
    G: ["reading_rooms.view_readingroom"],
    S: ["reading_rooms.view_readingroom"],
    D: ["reading_rooms.view_readingroom", "reading_rooms.change_readingroom"],
}
