"""Street/town unions create and run their points with the community health centre; the district
oversees all (scope: ScopedAdmin). Nobody deletes: a closed point is is_active = False."""

from members.models import StaffRole

KEEP = [
    "health_points.view_healthservicepoint",
    "health_points.add_healthservicepoint",
    "health_points.change_healthservicepoint",
    "health_points.view_serviceevent",
    "health_points.add_serviceevent",
    "health_points.change_serviceevent",
]

ROLE_PERMISSIONS = {
    StaffRole.STREET: KEEP,
    StaffRole.DISTRICT: KEEP,
}
