from members.models import StaffRole

# Payout batches: district staff only (one prepares, another confirms).
ROLE_PERMISSIONS = {
    StaffRole.DISTRICT: [
        "payouts.view_payoutbatch",
        "payouts.add_payoutbatch",
        "payouts.change_payoutbatch",
        "payouts.view_payment",
        "payouts.view_paymentfile",
    ],
}
