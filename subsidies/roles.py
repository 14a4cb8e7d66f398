from members.models import StaffRole

# External reference series (minimum wage, …): everyone sees them, district staff keep them current.
ROLE_PERMISSIONS = {
    StaffRole.GRASSROOTS: ["subsidies.view_referencevalue"],
    StaffRole.STREET: ["subsidies.view_referencevalue"],
    StaffRole.DISTRICT: [
        "subsidies.view_referencevalue",
        "subsidies.add_referencevalue",
        "subsidies.change_referencevalue",
    ],
}

# Policy params and tables: everyone may look; district staff correct them (with a reason, audited).
ROLE_PERMISSIONS[StaffRole.GRASSROOTS].append("subsidies.view_policyoverride")
ROLE_PERMISSIONS[StaffRole.STREET].append("subsidies.view_policyoverride")
ROLE_PERMISSIONS[StaffRole.DISTRICT] += [
    "subsidies.view_policyoverride",
    "subsidies.change_policyoverride",
    "subsidies.add_policyoverride",
]
