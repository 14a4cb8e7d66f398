"""How the counselling rules are applied for (see projects.procedures)."""

from projects.procedures import DISTRICT, STREET, Procedure

from .services import counselling_record_open, unit_facts

# 2019 §10: “对职工的个人信息我们将严格保密” — appointments are seen only by users granted this.
CONFIDENTIAL_PERMISSION = "counselling.view_confidential"
CONFIDENTIAL_RULES = ("counselling_appointment",)


PROCEDURES = (
    Procedure(
        "counselling_appointment",
        (),
        "2019 §10 申请方式：职工预约个案心理咨询",
        offering="required",
        locked_facts=unit_facts,
        on_approved=counselling_record_open,
        confidential_permission=CONFIDENTIAL_PERMISSION,
    ),
    Procedure(
        "counselling_lecture",
        (STREET, DISTRICT),
        "2019 §10 申请方式：上级工会汇总上报，区总工会统一安排",
        locked_facts=unit_facts,
    ),
)

PROJECT_LINKS = {"counselling": [("预约心理咨询和讲座安排", "counselling:home")]}
