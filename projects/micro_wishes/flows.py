"""How the micro wishes rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S

FLOWS = (
    Flow("micro_wish", (S, D), "运营约定：街镇工会核实困难职工身份，区总工会发布"),
)
