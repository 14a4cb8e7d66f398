from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT
TRIPS = ["flower_expo.view_expotrip", "flower_expo.change_expotrip"]

# Every level of union organises visits (2021「看花博」一、组织对象) and completes its own trips' details.
ROLE_PERMISSIONS = {G: TRIPS, S: TRIPS, D: TRIPS}
