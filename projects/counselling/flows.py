"""How the counselling rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S

FLOWS = (
    Flow("counselling_appointment", (), "2019 §10 申请方式：职工预约个案心理咨询", session="required"),
    Flow("counselling_lecture", (S, D), "2019 §10 申请方式：上级工会汇总上报，区总工会统一安排"),
)
