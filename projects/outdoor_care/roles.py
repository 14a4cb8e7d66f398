"""Street/town staff keep their street's stations, district staff all (scope: ScopedAdmin).
Nobody deletes a station: closing one is is_active = False, so its history stays."""

from members.models import StaffRole

STATION = ["outdoor_care.view_carestation", "outdoor_care.add_carestation", "outdoor_care.change_carestation"]

ROLE_PERMISSIONS = {
    StaffRole.STREET: STATION,
    StaffRole.DISTRICT: STATION,
}
