"""How the sanitation rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S, once_per_year
from projects.models import AttachmentKind

FLOWS = (
    Flow("sanitation_worker_insurance", (S, D), "2019 §15 送保障方式：街镇总工会初审，再上报区总工会审核",
         dedup=once_per_year, dedup_message="该单位本年度已申请环卫职工送保障。", proofs=(AttachmentKind.ROSTER,)),
)
