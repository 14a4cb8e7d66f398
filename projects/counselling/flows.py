"""How the counselling rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S

# 2019 §10: “对职工的个人信息我们将严格保密” — appointments are seen only by users granted this.
CONFIDENTIAL_PERMISSION = "counselling.view_confidential"
CONFIDENTIAL_RULES = ("counselling_appointment",)


# The hooks import the services when called: projects.flows imports this module while it loads.
def _unit_facts(member, organisation, policy_year):
    from .services import unit_facts

    return unit_facts(member, organisation, policy_year)


def _open_record(application):
    from .services import counselling_record_open

    counselling_record_open(application)


FLOWS = (
    Flow("counselling_appointment", (), "2019 §10 申请方式：职工预约个案心理咨询", session="required",
         locked_facts=_unit_facts, on_approved=_open_record, confidential_permission=CONFIDENTIAL_PERMISSION),
    Flow("counselling_lecture", (S, D), "2019 §10 申请方式：上级工会汇总上报，区总工会统一安排",
         locked_facts=_unit_facts),
)

PROJECT_LINKS = {"counselling": [("预约心理咨询和讲座安排", "counselling:home")]}
