from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

# The district records on-site checks (2019 §2 操作流程（二）); the street/town union sees its own checks and schools.
ROLE_PERMISSIONS = {
    G: [],
    S: ["worker_school.view_sitecheck", "worker_school.view_workerschool"],
    D: [
        "worker_school.view_sitecheck",
        "worker_school.add_sitecheck",
        "worker_school.change_sitecheck",
        "worker_school.view_workerschool",
        "worker_school.change_workerschool",
    ],
}
