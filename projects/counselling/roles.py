"""Lecture schedules: the district arranges them; the requesting unit and its street read them.

Counselling records are in no role: only the group “心理咨询师” (created by migration 0002,
holding counselling.view_confidential) sees them. The role groups are synced to exactly
what the apps declare, and that group is not one of them, so the sync never touches it.
"""

from members.models import StaffRole

VIEW = ["counselling.view_lectureschedule"]

ROLE_PERMISSIONS = {
    StaffRole.GRASSROOTS: VIEW,
    StaffRole.STREET: VIEW,
    StaffRole.DISTRICT: [*VIEW, "counselling.add_lectureschedule", "counselling.change_lectureschedule"],
}
