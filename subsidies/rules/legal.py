"""Legal services: 2019 §3 “应援尽援、零门槛”法律援助 and the 2021 和谐劳动关系“法律体检”.

Legal aid: a worker meeting ANY of six conditions is a focus service object;
no money changes hands (amount 0); the details say where to apply.
Legal check-up: the district buys a third-party service for 30 enterprises
chosen by the street/town unions; the rule checks an enterprise's fit.
"""

from __future__ import annotations

from decimal import Decimal

from .base import Checks, Context, Rule
from .core import Decision, cn_date, money
from .data import Table
from .facts import Fact, Facts, FactsSchema
from .pieces import yuan
from .prose import render
from .vocabulary import EMPLOYMENT_TYPES, UNIT_TYPES

CLAIM_KINDS = (("wages", "请求支付劳动报酬"), ("work_injury", "请求工伤赔偿"), ("other", "其他"))
CLAIM_LABELS = dict(CLAIM_KINDS)
MIGRANT_CLAIMS = {"wages", "work_injury"}
ALL_SIX = (  # a template: rendered from the year's data (prose.render)
    "①本人及家庭经济状况符合法律援助经济困难标准；②月平均收入不超过本市最低工资标准{legal_aid_wage_multiple}倍；"
    "③持有本市有效工会会员服务卡；④农民工请求支付劳动报酬、工伤赔偿；⑤涉及职工{legal_aid_group_min_workers}人以上的群体性纠纷；"
    "⑥工会干部因履行工会职责合法权益受侵害"
)


class LegalAid(Rule):
    rule_id = "legal_aid"
    project = "legal_aid"
    title = "“应援尽援、零门槛”职工法律援助"
    summary = (
        "符合六项条件之一的职工（家庭经济困难；月平均收入不超过最低工资标准{legal_aid_wage_multiple}倍；持有效会员服务卡；"
        "农民工讨薪或工伤赔偿；{legal_aid_group_min_workers}人以上群体性纠纷；工会干部因履职受侵害），可向区总工会职工法律援助中心、"
        "街镇分中心、区法院和区仲裁院工会窗口申请法律援助。"
    )
    applicant = "member"
    params = ("legal_aid_wage_multiple", "legal_aid_group_min_workers", "legal_aid_places", "legal_aid_review_chain")
    conditions = (
        "legal_aid_any_of",
        "legal_aid_low_income",
        "legal_aid_member_card",
        "legal_aid_migrant_claim",
        "legal_aid_union_cadre",
        "legal_aid_application_form",
        "legal_aid_free",
    )
    interpretations = (
        (
            "六项条件满足任一项即为重点服务对象；六项均不符合时判定为不符合本项目条件（法律援助中心仍可接待咨询）。",
            "legal_aid_any_of",
        ),
        (
            "条件1：已取得低收入家庭（法律援助经济困难）认定即符合；否则以家庭人均月可支配收入与申请日适用的"
            "“本市城乡低收入家庭人均可支配收入标准”比较，不高于标准即符合。该标准未录入时无法比较，视为待确认。",
            "legal_aid_low_income",
        ),
        (
            "条件2：“不超过”包含本数；最低工资标准取申请日适用的上海市月最低工资标准（2019年4月1日起2480元，"
            "限额3720元；此前2420元，限额3630元），限额按分四舍五入。",
            "legal_aid_wage_multiple",
        ),
        ("条件5：“十人以上”包含10人。", "legal_aid_group_min_workers"),
        (
            "文件“服务形式”一节为空，未载明收费标准或受理期限：按“零门槛”免费服务处理（金额为0），全年可申请。",
            "legal_aid_free",
        ),
    )
    schema = FactsSchema(
        (
            Fact("application_date", "date", "申请日期", profile="today"),
            Fact(
                "household_low_income_certified",
                "bool",
                "本人及家庭已认定为低收入（法律援助经济困难）家庭",
                source="reviewer",
                reviewer="district",
                required=False,
            ),
            Fact(
                "household_income_per_capita",
                "decimal",
                "家庭人均月可支配收入（元）",
                required=False,
                minimum=0,
                maximum=Decimal("10000000"),
            ),
            Fact(
                "monthly_income",
                "decimal",
                "本人月平均收入（元）",
                required=False,
                minimum=0,
                maximum=Decimal("10000000"),
                profile="monthly_income",
                source="applicant",
            ),
            Fact(
                "has_valid_member_card",
                "bool",
                "持有本市有效工会会员服务卡",
                required=False,
                profile="has_valid_member_card",
            ),
            Fact(
                "employment_type",
                "choice",
                "用工身份",
                required=False,
                choices=tuple(EMPLOYMENT_TYPES.items()),
                profile="employment_type",
            ),
            Fact("claim_kind", "choice", "申请事项", required=False, choices=CLAIM_KINDS),
            Fact("workers_involved", "int", "纠纷涉及职工人数", required=False, minimum=1, maximum=100000),
            Fact("union_cadre_harmed", "bool", "工会干部因履行工会职责合法权益受侵害", required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        on = f.application_date
        missing_standard = False

        # 1. household hardship (本市城乡低收入家庭人均可支配收入标准)
        income_pc = f.household_income_per_capita
        standard = ctx.refs["low_income_per_capita"].on(on) if on is not None else None
        if f.household_low_income_certified:
            low_income, low_message = True, "本人及家庭已认定为低收入家庭，符合法律援助经济困难标准"
        elif income_pc is not None and standard is not None:
            low_income = income_pc <= standard
            low_message = f"家庭人均月可支配收入 {yuan(income_pc)}，不高于本市城乡低收入家庭标准 {yuan(standard)}"
        else:
            low_income = False if income_pc is None and f.household_low_income_certified is False else None
            missing_standard = income_pc is not None
            low_message = ""

        # 2. monthly income <= 1.5 x the minimum monthly wage on the application date
        wage = ctx.refs["minimum_wage"].on(on) if on is not None else None
        multiple = ctx.value("legal_aid_wage_multiple")
        limit = money(wage * multiple) if wage is not None else None
        income = f.monthly_income
        low_wage = None if income is None or limit is None else income <= limit
        wage_message = (
            f"月平均收入 {yuan(income)}，不超过本市最低工资标准 {yuan(wage)} 的{multiple}倍（{yuan(limit)}）"
            if low_wage is not None
            else ""
        )

        # 4. migrant worker claiming wages or work-injury compensation
        migrant = f.employment_type
        claim = f.claim_kind
        if (migrant is not None and migrant != "migrant_worker") or (claim is not None and claim not in MIGRANT_CLAIMS):
            migrant_claim = False
        elif migrant is None or claim is None:
            migrant_claim = None
        else:
            migrant_claim = True

        # 5. group dispute of ten or more workers
        group_min = ctx.value("legal_aid_group_min_workers")
        workers = f.workers_involved
        group = None if workers is None else workers >= group_min

        options = [
            ("condition.low_income", low_income, ctx.clause("legal_aid_low_income"), low_message),
            ("condition.income_limit", low_wage, ctx.clause("legal_aid_wage_multiple"), wage_message),
            (
                "condition.member_card",
                f.has_valid_member_card,
                ctx.clause("legal_aid_member_card"),
                "持有本市有效工会会员服务卡",
            ),
            (
                "condition.migrant_claim",
                migrant_claim,
                ctx.clause("legal_aid_migrant_claim"),
                f"农民工{CLAIM_LABELS.get(claim, '')}" if migrant_claim else "",
            ),
            (
                "condition.group_dispute",
                group,
                ctx.clause("legal_aid_group_min_workers"),
                f"涉及职工 {workers} 人的群体性纠纷（{group_min}人以上）",
            ),
            (
                "condition.union_cadre",
                f.union_cadre_harmed,
                ctx.clause("legal_aid_union_cadre"),
                "工会干部因履行工会职责合法权益受侵害",
            ),
        ]
        if all(ok is False for _, ok, _, _ in options):
            unmet = "六项条件均不符合，不属于本项目重点服务对象：" + "；".join(
                (
                    f"①家庭人均月可支配收入 {yuan(income_pc)} 高于标准 {yuan(standard)}"
                    if income_pc is not None
                    else "①未认定为低收入家庭",
                    f"②月平均收入 {yuan(income)} 超过本市最低工资标准 {yuan(wage)} 的{multiple}倍（{yuan(limit)}）",
                    "③未持有本市有效工会会员服务卡",
                    "④不属于农民工请求支付劳动报酬、工伤赔偿",
                    f"⑤纠纷涉及职工 {workers} 人，不足{group_min}人",
                    "⑥不属于工会干部因履行工会职责合法权益受侵害",
                )
            )
        else:
            unmet = f"须符合下列条件之一：{render(ALL_SIX, ctx.data)}"
            if missing_standard:
                unmet += "（本市城乡低收入家庭人均可支配收入标准尚未录入，条件①暂无法比较）"
            elif wage is None and income is not None:
                unmet += f"（{on} 无适用的最低工资标准，条件②暂无法比较）"
        checks.any_of("condition.none", options, unmet, ctx.clause("legal_aid_any_of"))

        places = ctx.value("legal_aid_places")
        checks.note(
            "apply.where",
            f"可前往{'、'.join(places)}填写法律援助申请书，并按申请服务类型提供相应材料",
            ctx.clause("legal_aid_application_form"),
        )
        checks.note(
            "apply.process",
            f"区总工会职工法律援助中心收到申请后完成{'、'.join(ctx.value('legal_aid_review_chain'))}",
            ctx.clause("legal_aid_review_chain"),
        )
        checks.note(
            "service.free",
            "“零门槛”法律援助：文件未载明收费标准或受理期限，按免费、全年可申请处理",
            ctx.clause("legal_aid_free"),
        )
        return checks.decision(
            self,
            details={
                "places": "；".join(places),
                "process": "→".join(ctx.value("legal_aid_review_chain")),
                "materials": "法律援助申请书；按申请服务的不同类型提供相应材料",
                "fee": "“零门槛”法律援助，文件未载明收费（金额为0）",
                "minimum_wage": str(wage) if wage is not None else "",
                "income_limit": str(limit) if limit is not None else "",
            },
        )


class LegalCheckup(Rule):
    rule_id = "legal_checkup"
    project = "legal_checkup"
    title = "和谐劳动关系“法律体检”"
    summary = (
        "区总工会购买第三方服务，为全区{legal_checkup_enterprises}家企业开展劳动关系“法律体检”："
        "职工人数一般应在{legal_checkup_min_employees}人以上，"
        "已建立工会或具有推动建立健全工会三项基础工作条件；名额分配到各街镇，由街镇总工会确定企业名单。"
    )
    applicant = "organisation"
    params = ("legal_checkup_enterprises", "legal_checkup_min_employees")
    tables = ("legal_checkup_phases",)
    conditions = (
        "legal_checkup_enterprise",
        "legal_checkup_union",
        "legal_checkup_street_list",
        "legal_checkup_service",
        "legal_checkup_provider",
    )
    interpretations = (
        (
            "（区总工会确定）“职工人数一般应在80人以上”：80人及以上符合；不足80人的，须街镇总工会说明例外理由"
            "（exception_reason），说明后视为符合并在理由中注明例外；未说明则不符合。",
            "legal_checkup_min_employees",
        ),
        ("“已经建立工会或者具有推动建立健全工会三项基础工作条件”两者满足其一即可。", "legal_checkup_union"),
        (
            "各街镇名额由区总工会分配，文件未载明各街镇数额：由区总工会录入（street_quota），"
            "本街镇已确定企业数（不含本企业）达到名额即名额已满；全区已确定企业数达到30家同样名额已满。",
            "legal_checkup_street_list",
        ),
        ("企业须列入街镇总工会确定的“法律体检”企业名单；名单未定时判定为“需补充信息”。", "legal_checkup_street_list"),
        ("服务由区总工会购买第三方服务提供，企业不获得资金，金额为0。", "legal_checkup_provider"),
        (
            "实施时间（培训1—3月、实施4—10月、总结评估11月）不是申报期，只在说明中列出，不影响判定。",
            "legal_checkup_phases",
        ),
    )
    schema = FactsSchema(
        (
            Fact("unit_type", "choice", "单位性质", choices=tuple(UNIT_TYPES.items()), profile="unit_type"),
            Fact("employee_count", "int", "企业职工人数", minimum=0, maximum=10000000, profile="unit_employee_count"),
            Fact("exception_reason", "str", "街镇总工会说明的例外理由（职工人数不足规定人数时）", required=False),
            Fact("union_established", "bool", "企业已建立工会", profile="unit_union_established"),
            Fact("three_basic_works_ready", "bool", "具有推动建立健全工会三项基础工作条件", required=False),
            Fact(
                "on_street_list",
                "bool",
                "已列入街镇总工会确定的“法律体检”企业名单",
                source="reviewer",
                reviewer="street",
                required=False,
            ),
            Fact(
                "street_quota",
                "int",
                "区总工会分配给本街镇的名额",
                source="record",
                required=False,
                minimum=0,
                maximum=100000,
            ),
            Fact(
                "street_places_taken",
                "int",
                "本街镇已确定的体检企业数（不含本企业）",
                source="record",
                required=False,
                minimum=0,
                maximum=100000,
            ),
            Fact(
                "district_places_taken",
                "int",
                "全区已确定的体检企业数（不含本企业）",
                source="record",
                required=False,
                minimum=0,
                maximum=10000000,
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "unit.enterprise",
            None if f.unit_type is None else f.unit_type == "enterprise",
            ctx.clause("legal_checkup_enterprise"),
            "体检对象为企业",
            "“法律体检”服务对象为企业",
        )
        minimum = ctx.value("legal_checkup_min_employees")
        count = f.employee_count
        employees = ctx.clause("legal_checkup_min_employees")
        if count is not None and count < minimum and f.exception_reason:
            checks.note(
                "employees.exception",
                f"职工人数 {count} 人，不足{minimum}人；街镇总工会说明例外理由：{f.exception_reason}",
                employees,
            )
        else:
            checks.need(
                "employees.minimum",
                None if count is None else count >= minimum,
                employees,
                f"职工人数 {count} 人，在{minimum}人以上",
                f"职工人数一般应在{minimum}人以上，现为 {count} 人；如确需参加，须由街镇总工会说明例外理由",
            )
        union = ctx.clause("legal_checkup_union")
        checks.any_of(
            "union.ready",
            [
                ("union.established", f.union_established, union, "企业已建立工会"),
                (
                    "union.three_basic_works",
                    f.three_basic_works_ready,
                    union,
                    "企业具有推动建立健全工会三项基础工作条件",
                ),
            ],
            "企业须已建立工会，或具有推动建立健全工会三项基础工作条件",
            union,
        )
        listing = ctx.clause("legal_checkup_street_list")
        checks.reviewed(
            "street.list",
            f.on_street_list,
            listing,
            "已列入街镇总工会确定的“法律体检”企业名单",
            "未列入街镇总工会确定的“法律体检”企业名单",
            reviewer="street",
            pending="待街镇总工会按“广泛宣传、自愿申报”原则确定企业名单",
        )
        if f.street_quota is not None and f.street_places_taken is not None:
            checks.need(
                "quota.street_full",
                f.street_places_taken < f.street_quota,
                listing,
                f"本街镇名额 {f.street_quota} 家，已确定 {f.street_places_taken} 家，尚有名额",
                f"名额已满：本街镇名额 {f.street_quota} 家，已确定 {f.street_places_taken} 家",
            )
        total = ctx.value("legal_checkup_enterprises")
        if f.district_places_taken is not None:
            checks.need(
                "quota.district_full",
                f.district_places_taken < total,
                ctx.clause("legal_checkup_enterprises"),
                f"全区 {total} 家，已确定 {f.district_places_taken} 家，尚有名额",
                f"名额已满：全区共 {total} 家，已确定 {f.district_places_taken} 家",
            )
        else:
            checks.note(
                "quota.district",
                f"全区共 {total} 家企业，名额由区总工会分配到各街镇",
                ctx.clause("legal_checkup_enterprises"),
            )
        checks.note(
            "service.provider",
            "由区总工会通过购买第三方服务提供“法律体检”，企业无需付费，不发放资金",
            ctx.clause("legal_checkup_provider"),
        )
        return checks.decision(self, details=_checkup_details(ctx.table("legal_checkup_phases")))


_CHECKUP_SERVICE = (
    "审查劳动用工管理制度、劳动合同、集体合同，排查用工法律风险；指导依法组建工会、集体协商和职代会；"
    "指导规范实施重大改革调整"
)


def _checkup_details(phases: Table) -> dict[str, str]:
    """The phases as text, formatted once per table."""
    return phases.derived("checkup_details", _build_checkup_details)


def _build_checkup_details(phases: Table) -> dict[str, str]:
    details = {f"phase_{r['phase']}": f"{r['label']}：{cn_date(r['starts'])}—{cn_date(r['ends'])}" for r in phases.rows}
    details["service"] = _CHECKUP_SERVICE
    return details


RULES_2019: tuple[type[Rule], ...] = (LegalAid,)
RULES_2021: tuple[type[Rule], ...] = (LegalCheckup,)
