"""The district schedules visits; the host unit and its street read them (scope: ScopedAdmin)."""

from members.models import StaffRole

VIEW = ["caravan.view_caravanvisit"]

ROLE_PERMISSIONS = {
    StaffRole.GRASSROOTS: VIEW,
    StaffRole.STREET: VIEW,
    StaffRole.DISTRICT: [*VIEW, "caravan.add_caravanvisit", "caravan.change_caravanvisit"],
}
