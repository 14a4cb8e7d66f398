"""How the member card rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import CITY, DISTRICT, GRASSROOTS, Procedure, once_per_year

from .services import (
    basic_coverage_locked_facts,
    basic_coverage_on_submit,
    city_condolence_locked_facts,
    coverage_benefit_locked_facts,
    district_condolence_locked_facts,
)

PROCEDURES = (
    Procedure(
        "member_basic_coverage",
        (GRASSROOTS, DISTRICT),
        "2019 §7 会员卡办理：本区建会单位为入会职工办理",
        dedup=once_per_year,
        dedup_message="会员在保障有效期内仅可享有一份会员专享基本保障。",
        # 2021「工会会员专享基本保障」一：各基层单位任选并仅选其中一类参加 — the class the unit chose.
        locked_facts=basic_coverage_locked_facts,
        on_submit=basic_coverage_on_submit,
    ),
    Procedure(
        "member_coverage_benefit",
        (GRASSROOTS, DISTRICT),
        "2021「会员专享基本保障」给付周期：收到齐全材料后给付",
        proofs=(AttachmentKind.MEDICAL,),
        locked_facts=coverage_benefit_locked_facts,
    ),
    Procedure(
        "city_condolence_payment",
        (GRASSROOTS, DISTRICT, CITY),
        "2019 §7 市总大病慰问金：市总工会给予一次性慰问金",
        dedup=once_per_year,
        dedup_message="市总大病慰问金一个年度内只发放一次。",
        proofs=(AttachmentKind.MEDICAL,),
        locked_facts=city_condolence_locked_facts,
    ),
    Procedure(
        "district_condolence_payment",
        (GRASSROOTS, DISTRICT),
        "2019 §7 区总大病慰问金：区总工会给予一次性慰问金",
        dedup=once_per_year,
        dedup_message="区总大病慰问金一个年度内只发放一次。",
        proofs=(AttachmentKind.MEDICAL,),
        locked_facts=district_condolence_locked_facts,
    ),
)
