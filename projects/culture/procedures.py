"""How the culture rules are applied for (see projects.procedures)."""

from projects.procedures import Procedure, once_per_year_for_organisations

PROCEDURES = (
    Procedure(
        "culture_class_booking",
        (),
        "2019 §13 申请流程：个人预约；单位每年可预约一次",
        offering="required",
        dedup=once_per_year_for_organisations,
        dedup_message="每家企事业单位或工会组织每年可预约一次。",
    ),
    Procedure(
        "ticket_booking",
        (),
        "2019 §14 申请流程：个人抢票；单位每年可预约一次",
        offering="required",
        dedup=once_per_year_for_organisations,
        dedup_message="每家企事业单位或工会组织每年可预约一次。",
    ),
)
