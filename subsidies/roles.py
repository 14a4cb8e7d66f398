from members.models import StaffRole

# External reference series (minimum wage, …): everyone sees them, district staff keep them current.
ROLE_PERMISSIONS = {
    StaffRole.GRASSROOTS: ["subsidies.view_referencevalue"],
    StaffRole.STREET: ["subsidies.view_referencevalue"],
    StaffRole.DISTRICT: ["subsidies.view_referencevalue", "subsidies.add_referencevalue",
                         "subsidies.change_referencevalue"],
}
