"""How the member card rules are applied for (see projects.flows)."""

from projects.flows import C, D, Flow, G, once_per_year
from projects.models import AttachmentKind

from .services import basic_coverage_locked_facts, basic_coverage_on_submit

FLOWS = (
    Flow("member_basic_coverage", (G, D), "2019 §7 会员卡办理：本区建会单位为入会职工办理",
         dedup=once_per_year, dedup_message="会员在保障有效期内仅可享有一份会员专享基本保障。",
         # 2021「工会会员专享基本保障」一：各基层单位任选并仅选其中一类参加 — the class the unit chose.
         locked_facts=basic_coverage_locked_facts, on_submit=basic_coverage_on_submit),
    Flow("member_coverage_benefit", (G, D), "2021「会员专享基本保障」给付周期：收到齐全材料后给付",
         proofs=(AttachmentKind.MEDICAL,)),
    Flow("city_condolence_payment", (G, D, C), "2019 §7 市总大病慰问金：市总工会给予一次性慰问金",
         dedup=once_per_year, dedup_message="市总大病慰问金一个年度内只发放一次。", proofs=(AttachmentKind.MEDICAL,)),
    Flow("district_condolence_payment", (G, D), "2019 §7 区总大病慰问金：区总工会给予一次性慰问金",
         dedup=once_per_year, dedup_message="区总大病慰问金一个年度内只发放一次。", proofs=(AttachmentKind.MEDICAL,)),
)
