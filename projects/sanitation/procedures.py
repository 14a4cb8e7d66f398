"""How the sanitation rules are applied for (see projects.procedures); the hooks live in services.py."""

from projects.models import AttachmentKind
from projects.procedures import DISTRICT, STREET, Procedure, once_per_year

from .services import roster_import, sanitation_locked_facts

PROCEDURES = (
    Procedure(
        "sanitation_worker_insurance",
        (STREET, DISTRICT),
        "2019 §15 送保障方式：街镇总工会初审，再上报区总工会审核",
        dedup=once_per_year,
        dedup_message="该单位本年度已申请环卫职工送保障。",
        proofs=(AttachmentKind.ROSTER,),
        on_submit=roster_import,
        locked_facts=sanitation_locked_facts,
        apply_links=(("下载名册模板（Excel）", "sanitation:roster_template"),),
    ),
)
