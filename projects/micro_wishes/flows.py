"""How the micro wishes rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S

from .services import on_micro_wish_approved

FLOWS = (
    Flow("micro_wish", (S, D), "运营约定：街镇工会核实困难职工身份，区总工会发布", on_approved=on_micro_wish_approved),
)

MEMBER_LINKS = [("我的微心愿", "micro_wishes:my")]
