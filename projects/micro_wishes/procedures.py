"""How the micro wishes rules are applied for (see projects.procedures)."""

from projects.procedures import DISTRICT, STREET, Procedure

from .services import on_micro_wish_approved

PROCEDURES = (
    Procedure(
        "micro_wish",
        (STREET, DISTRICT),
        "运营约定：街镇工会核实困难职工身份，区总工会发布",
        on_approved=on_micro_wish_approved,
    ),
)

MEMBER_LINKS = [("我的微心愿", "micro_wishes:my")]
