"""Member card: basic coverage (会员专享基本保障), its benefits, and the critical-illness
condolence payments (2019 §7 “工会会员服务卡”项目; the 2021 “工会会员专享基本保障”项目).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .base import Checks, Context, Rule
from .core import ZERO, Clause, Decision, Payer, Route, Share, Window, WindowState, money
from .facts import Fact, Facts, FactsSchema
from .pieces import add_months, end_of_year, yuan

PROJECT = "member_card"
ONE_DAY = timedelta(days=1)

PLANS_2019 = (("A", "A类保障计划"), ("B", "B类保障计划"))
PLANS_2021 = (("A", "A类保障"), ("B", "B类保障"), ("A+", "A+类保障"), ("B+", "B+类保障"))
EVENTS_2019 = (
    ("critical_illness", "患重大疾病"),
    ("accident_total_disability_or_death", "意外伤害全残或身故"),
    ("illness_death", "疾病身故"),
)
EVENTS_2021 = (
    ("critical_illness", "患重大疾病"),
    ("accident_total_disability", "意外伤害全残"),
    ("accident_death", "意外伤害身故"),
    ("illness_death", "疾病身故"),
    ("hospital", "住院"),
)
EVENT_LABELS = dict(EVENTS_2019 + EVENTS_2021)
# Event -> column of the plan-benefit table.
EVENT_COLUMNS = {
    "critical_illness": "critical_illness",
    "accident_total_disability_or_death": "accident",
    "accident_total_disability": "accident",
    "accident_death": "accident",
    "illness_death": "illness_death",
    "hospital": "hospital_per_day",
}
HOSPITALS = (
    ("city_secondary_tertiary", "本市二三级医院"),
    ("other_province_tertiary", "外省市三级医院"),
    ("recognised_other", "市职保中心认定的其他医院"),
    ("other", "其他医院"),
)
HOSPITAL_LABELS = dict(HOSPITALS)
ENROLMENTS = (("unit", "单位统一参保"), ("individual", "会员个人参保"))

APPLICATION_DATE = Fact("application_date", "date", "申请日期", profile="today")
VALID_CARD = Fact("has_valid_member_card", "bool", "持有有效上海工会会员服务卡", profile="has_valid_member_card")
ALREADY_PAID = Fact("already_paid_this_year", "bool", "本年度已领取过该项大病慰问金", source="record")


def _all(*oks: bool | None) -> bool | None:
    """Three-valued AND: False if any is False, else None if any is unknown, else True."""
    if False in oks:
        return False
    if None in oks:
        return None
    return True


def _between(day: date | None, start: date | None, end: date | None) -> bool | None:
    return None if day is None or start is None or end is None else start <= day <= end


def _render_benefits(table) -> str:
    parts = []
    for row in table.rows:
        items = [
            f"{row['critical_illness_label']} {yuan(row['critical_illness'])}",
            f"意外伤害全残或身故 {yuan(row['accident'])}",
        ]
        if row["illness_death"] is not None:
            items.append(f"疾病身故 {yuan(row['illness_death'])}")
        if row.get("hospital_per_day") is not None:
            items.append(f"住院 {yuan(row['hospital_per_day'])}/天，最高 {yuan(row['hospital_cap'])}")
        parts.append(f"{row['label']}：{'；'.join(items)}")
    return "。".join(parts)


def _benefits_text(ctx: Context) -> str:
    """The plan-benefit table in one line per plan, for Decision.details."""
    return ctx.table("member_card_plan_benefits").derived("benefits_text", _render_benefits)


def _fee_split(tier: dict) -> tuple[tuple[Share, ...], str]:
    """A fee row's split by payer and its description."""
    split = tuple(
        Share(payer, part)
        for payer, part in (
            (Payer.CITY_UNION, tier["city"]),
            (Payer.DISTRICT_UNION, tier["district"]),
            (Payer.UNIT, tier["unit"]),
        )
        if part
    )
    length = "大于半年" if tier["over_half_year"] else "小于等于半年"
    payers = "，".join(f"{s.payer.label}{yuan(s.amount)}" for s in split)
    return split, f"{length}：保障费 {yuan(tier['fee'])}/人（{payers}），会员个人无需缴费"


class _MemberCardRule(Rule):
    project = PROJECT
    applicant = "member"

    def _plan(self, checks: Checks, f: Facts, ctx: Context, clause: str, choose: str) -> dict | None:
        row = ctx.table("member_card_plan_benefits").get(f.plan_class) if f.plan_class else None
        checks.need(
            "plan.class",
            None if f.plan_class is None else row is not None,
            ctx.clause(clause),
            f"参保类别：{row['label'] if row else f.plan_class}",
            f"保障类别 {f.plan_class} 不在本年度计划内，{choose}",
            f"待确认保障类别（{choose}）",
        )
        return row


# --------------------------------------------------------------------------- basic coverage


class MemberBasicCoverage2019(_MemberCardRule):
    rule_id = "member_basic_coverage"
    title = "工会会员专享基本保障（参保）"
    summary = (
        "持卡会员每年享有一份由工会组织免费提供的专享基本保障，A、B两类任选其一；"
        "保障费按保障期是否大于半年计：A类{member_card_fees[A.over_half_year][fee]}元或"
        "{member_card_fees[A.half_year_or_less][fee]}元（市总、区总各半），"
        "B类{member_card_fees[B.over_half_year][fee]}元（市总{member_card_fees[B.over_half_year][city]}、"
        "区总{member_card_fees[B.over_half_year][district]}、单位{member_card_fees[B.over_half_year][unit]}）或"
        "{member_card_fees[B.half_year_or_less][fee]}元（市总{member_card_fees[B.half_year_or_less][city]}、"
        "区总{member_card_fees[B.half_year_or_less][district]}、单位{member_card_fees[B.half_year_or_less][unit]}）。"
    )
    params = ("member_card_enrolment_opens", "member_card_enrolment_closes", "member_card_half_year_months")
    tables = ("member_card_fees", "member_card_plan_benefits")
    conditions = (
        "member_card_one_class",
        "member_card_enrolees",
        "member_card_one_share",
        "member_card_coverage_period",
        "member_card_existing_holder_start",
    )
    interpretations = (
        (
            "“保障期大于半年”按日历月计算：起保日起6个月仍在保障期内（即起保日早于7月1日、新卡在6月29日或以前生成）"
            "的按全额收费；7月1日至12月31日恰为半年，属“小于等于半年”。",
            "member_card_half_year_months",
        ),
        (
            "12月31日生成的新卡次日零时起保已进入下一年度，本年度保障期为零：不予参保本年度计划，"
            "提示按下一年度政策参保。",
            "member_card_coverage_period",
        ),
        (
            "文件只规定新办卡会员的保障期限；新卡生成日期早于本年度1月1日的视为“已有卡但未参保”的会员，"
            "按参保申请日次日零时起保（不早于1月1日），至当年12月31日止。",
            "member_card_existing_holder_start",
        ),
        ("新卡生成日期晚于本年度12月31日的，不属于本年度参保对象。", "member_card_enrolees"),
        (
            "当年度新办卡会员一律按新卡生成次日零时起保（与参保申请日无关）；申请日只用于核对参保时间。",
            "member_card_coverage_period",
        ),
    )
    schema = FactsSchema(
        (
            Fact("plan_class", "choice", "保障类别", choices=PLANS_2019, help="任选并仅选其中一类"),
            Fact(
                "card_made_on",
                "date",
                "会员服务卡（新卡）生成日期",
                profile="card_made_on",
                help="新卡生成次日零时起保",
            ),
            Fact("already_insured_this_year", "bool", "本年度已参加会员专享基本保障"),
            APPLICATION_DATE,
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        opens, closes = ctx.value("member_card_enrolment_opens"), ctx.value("member_card_enrolment_closes")
        window = Window(opens, closes, "会员卡办理及参保时间")
        state = checks.window(window, f.application_date, ctx.clause("member_card_enrolment_opens"))
        row = self._plan(checks, f, ctx, "member_card_one_class", "须在A类、B类中任选并仅选一类")
        checks.need(
            "share.one_per_year",
            None if f.already_insured_this_year is None else not f.already_insured_this_year,
            ctx.clause("member_card_one_share"),
            "本年度尚未参保",
            "本年度已参加会员专享基本保障，持卡会员每年仅可享有一份",
        )

        start, end = self._coverage(checks, f, ctx, opens, closes, state)
        amount, split, tier = ZERO, (), None
        if row is not None and start is not None and start <= end:
            months = ctx.value("member_card_half_year_months")
            over = add_months(start, months) <= end
            length = "over_half_year" if over else "half_year_or_less"
            tier = ctx.table("member_card_fees").get(f"{f.plan_class}.{length}")
        if tier is not None:
            amount = tier["fee"]
            split, text = ctx.table("member_card_fees").derived(
                "fee_splits", lambda table: {key: _fee_split(table.get(key)) for key in table.keys()}
            )[f"{f.plan_class}.{length}"]
            checks.note("fee", f"保障期 {start} 至 {end}，{row['label']}{text}", ctx.clause("member_card_fees"))
        return checks.decision(
            self,
            amount=amount,
            split=split,
            window=window,
            dates={
                "coverage_start": start if start and start <= end else None,
                "coverage_end": end if start and start <= end else None,
                "window_opens": opens,
                "window_closes": closes,
            },
            details={"plan": row["label"] if row else "", "benefits": _benefits_text(ctx)},
        )

    def _coverage(
        self, checks: Checks, f: Facts, ctx: Context, opens: date, closes: date, state: WindowState | None
    ) -> tuple[date | None, date | None]:
        made, end = f.card_made_on, end_of_year(closes)
        enrolees = ctx.clause("member_card_enrolees")
        if made is None:
            checks.need(
                "coverage.start",
                None,
                ctx.clause("member_card_coverage_period"),
                "",
                "",
                "待确认新卡生成日期（新卡生成次日零时起保）",
            )
            return None, None
        if made > closes:
            checks.fail(
                "card.after_year",
                f"新卡生成日期 {made} 晚于本年度办理时间"
                f"（{opens:%Y年%-m月%-d日}至{closes:%Y年%-m月%-d日}），请按当年度政策参保",
                enrolees,
            )
            return None, None
        if made >= opens:
            start = made + ONE_DAY
            clause = ctx.clause("member_card_coverage_period")
            if start > end:
                checks.fail(
                    "coverage.none_this_year",
                    f"新卡于 {made} 生成，次日零时（{start}）起保已进入下一年度，"
                    f"本年度保障期至 {end} 止，无保障期；请按下一年度政策参保",
                    clause,
                )
                return start, end
            checks.note(
                "coverage.new_card",
                f"当年度新办卡会员：新卡 {made} 生成，保障期自 {start} 零时起至 {end} 24时止",
                clause,
            )
            return start, end
        clause = ctx.clause("member_card_existing_holder_start")
        if f.application_date is None:
            checks.need(
                "coverage.start", None, clause, "", "", f"已有卡（{made} 生成）会员：待确认参保申请日（次日零时起保）"
            )
            return None, None
        start = max(f.application_date + ONE_DAY, opens)
        if start > end:
            if state is not WindowState.CLOSED:  # applied on 31 December
                checks.fail(
                    "coverage.none_this_year",
                    f"参保申请日 {f.application_date} 次日零时起保已进入下一年度，本年度无保障期；请按下一年度政策参保",
                    clause,
                )
            return start, end
        checks.note(
            "coverage.existing_card",
            f"已有卡但未参保的会员（卡于 {made} 生成）：保障期自 {start} 零时起至 {end} 24时止",
            clause,
        )
        return start, end


class MemberBasicCoverage2021(_MemberCardRule):
    rule_id = "member_basic_coverage"
    title = "工会会员专享基本保障（参保）"
    summary = (
        "A、B、A+、B+四类保障计划，各基层单位任选并仅选一类参加，会员在保障有效期内仅享有一份；"
        "A+、B+类另有住院保障{member_card_plan_benefits[A+][hospital_per_day]}元/天，"
        "最高{member_card_plan_benefits[A+][hospital_cap]}元。"
    )
    tables = ("member_card_plan_benefits",)
    conditions = (
        "member_card_card_holders",
        "member_card_one_class_per_unit",
        "member_card_one_share",
        "member_card_fee_not_stated",
        "member_card_period_not_stated",
    )
    interpretations = (
        ("2021年文件未载明保障费用及出资分担：金额记为0元并说明，不沿用2019年标准。", "member_card_fee_not_stated"),
        (
            "2021年文件未载明参保时间和保障期限（“二、参保方式”标题下为交友活动文字）：不设受理期，不给出起止日期。",
            "member_card_period_not_stated",
        ),
        (
            "“各基层单位任选并仅选其中一类参加”：本单位本年度已选定类别的，会员只能参加同一类别；"
            "本单位尚未选定的不作限制。",
            "member_card_one_class_per_unit",
        ),
    )
    schema = FactsSchema(
        (
            VALID_CARD,
            Fact("plan_class", "choice", "保障类别", choices=PLANS_2021),
            Fact(
                "unit_class",
                "choice",
                "本单位本年度已选定的保障类别",
                source="record",
                choices=PLANS_2021,
                required=False,
                help="本单位尚未选定的不填",
            ),
            Fact("already_has_share", "bool", "保障有效期内已享有一份会员专享基本保障", source="record"),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "card.valid",
            f.has_valid_member_card,
            ctx.clause("member_card_card_holders"),
            "持有有效上海工会会员服务卡",
            "会员专享基本保障面向持有有效上海工会会员服务卡的会员",
        )
        row = self._plan(checks, f, ctx, "member_card_one_class_per_unit", "须在A、B、A+、B+类中任选一类")
        one_class = ctx.clause("member_card_one_class_per_unit")
        if f.unit_class is None:
            checks.note("plan.unit_class", "本单位尚未选定保障类别；各基层单位任选并仅选其中一类参加", one_class)
        else:
            checks.need(
                "plan.unit_class",
                None if f.plan_class is None else f.plan_class == f.unit_class,
                one_class,
                f"与本单位选定的{f.unit_class}类一致",
                f"各基层单位任选并仅选其中一类参加：本单位已选{f.unit_class}类，不能参加{f.plan_class}类",
            )
        checks.need(
            "share.one",
            None if f.already_has_share is None else not f.already_has_share,
            ctx.clause("member_card_one_share"),
            "保障有效期内尚未享有会员专享基本保障",
            "会员在保障有效期内仅可享有一份会员专享基本保障，已享有一份",
        )
        checks.note(
            "fee.not_stated",
            "2021年文件未载明保障费用及出资分担，此处金额记为0元（不沿用2019年标准）",
            ctx.clause("member_card_fee_not_stated"),
        )
        checks.note(
            "period.not_stated", "2021年文件未载明参保时间和保障期限", ctx.clause("member_card_period_not_stated")
        )
        return checks.decision(self, details={"plan": row["label"] if row else "", "benefits": _benefits_text(ctx)})


# --------------------------------------------------------------------------- benefits


class _CoverageBenefit(_MemberCardRule):
    rule_id = "member_coverage_benefit"
    title = "工会会员专享基本保障金（给付）"

    def _event(self, checks: Checks, f: Facts, ctx: Context, row: dict | None) -> Decimal | None:
        """The benefit standard of the event under the plan; None when it cannot be known yet."""
        if f.event is None or row is None:
            checks.need(
                "event.in_plan", None, ctx.clause("member_card_plan_benefits"), "", "", "待确认保障类别和保障事项"
            )
            return None
        standard = row[EVENT_COLUMNS[f.event]]
        event = EVENT_LABELS[f.event]
        checks.need(
            "event.in_plan",
            standard is not None,
            ctx.clause("member_card_plan_benefits"),
            f"{row['label']}含{event}保障",
            f"{row['label']}不含{event}保障",
        )
        if f.event == "critical_illness":
            checks.need(
                "illness.in_plan",
                f.illness_in_plan,
                ctx.clause("member_card_illness_in_plan"),
                f"所患疾病属于{row['label']}的{row['critical_illness_label']}",
                f"所患疾病不属于{row['label']}保障的{row['critical_illness_label']}",
            )
        start, end, day = f.coverage_start, f.coverage_end, f.event_date
        checks.need(
            "event.in_coverage",
            _between(day, start, end),
            ctx.clause("member_card_benefit_in_coverage"),
            f"事故/确诊日期 {day} 在保障期 {start} 至 {end} 内",
            f"事故/确诊日期须在保障期 {start} 至 {end} 内，实际为 {day}",
            "待确认事故发生/确诊日期及保障期起止日期（须在保障期内）",
        )
        return standard


class MemberCoverageBenefit2019(_CoverageBenefit):
    summary = (
        "会员专享基本保障给付：A类{member_card_plan_benefits[A][critical_illness_label]}"
        "{member_card_plan_benefits[A][critical_illness]:wan}万元、意外伤害全残或身故{member_card_plan_benefits[A][accident]:wan}万元；"
        "B类{member_card_plan_benefits[B][critical_illness_label]}{member_card_plan_benefits[B][critical_illness]:wan}万元、"
        "意外伤害全残或身故{member_card_plan_benefits[B][accident]:wan}万元、"
        "疾病身故{member_card_plan_benefits[B][illness_death]:wan}万元，通过会员服务卡发放。"
    )
    tables = ("member_card_plan_benefits",)
    conditions = (
        "member_card_one_class",
        "member_card_illness_in_plan",
        "member_card_benefit_in_coverage",
        "member_card_benefit_payer",
        "member_card_benefit_route",
    )
    interpretations = (
        (
            "文件称保障“由工会组织免费提供”、未载明给付机构：出资方列为市职工保障互助会（市职保会）。",
            "member_card_benefit_payer",
        ),
        (
            "文件未列出四类、十二类重大疾病的病种（参见《上海工会会员专享基本保障条款》）：由申请人确认"
            "所患疾病是否属于所参保类别的病种。",
            "member_card_illness_in_plan",
        ),
        ("事故发生或确诊日期须在保障期内（两端日期均在内）。", "member_card_benefit_in_coverage"),
    )
    schema = FactsSchema(
        (
            Fact("plan_class", "choice", "参保的保障类别", source="record", choices=PLANS_2019),
            Fact("event", "choice", "保障事项", choices=EVENTS_2019),
            Fact("event_date", "date", "事故发生/确诊日期"),
            Fact("coverage_start", "date", "保障期起始日", source="record"),
            Fact("coverage_end", "date", "保障期截止日", source="record"),
            Fact(
                "illness_in_plan",
                "bool",
                "所患疾病属于所参保类别的重大疾病病种",
                required=False,
                help="保障事项为重大疾病时需要",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        row = self._plan(checks, f, ctx, "member_card_one_class", "A类或B类")
        standard = self._event(checks, f, ctx, row)
        amount = standard or ZERO
        if standard:
            checks.note(
                "amount",
                f"{row['label']}{EVENT_LABELS[f.event]}保障，给付标准 {yuan(standard)}",
                ctx.clause("member_card_plan_benefits"),
            )
        checks.note("payer", "由工会组织免费提供（列为市职工保障互助会给付）", ctx.clause("member_card_benefit_payer"))
        checks.note("route.member_card", "保障金通过工会会员服务卡发放", ctx.clause("member_card_benefit_route"))
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.CITY_MUTUAL_AID, amount),),
            route=Route.MEMBER_CARD,
            dates={"coverage_start": f.coverage_start, "coverage_end": f.coverage_end},
            details={"plan": row["label"] if row else "", "event": EVENT_LABELS.get(f.event or "", "")},
        )


class MemberCoverageBenefit2021(_CoverageBenefit):
    summary = (
        "会员专享基本保障给付：重大疾病{member_card_plan_benefits[A][critical_illness]:wan}万或"
        "{member_card_plan_benefits[B][critical_illness]:wan}万元、意外伤害全残或身故{member_card_plan_benefits[A][accident]:wan}万元、"
        "疾病身故{member_card_plan_benefits[B][illness_death]:wan}万元（B、B+类）、"
        "住院{member_card_plan_benefits[A+][hospital_per_day]}元/天最高{member_card_plan_benefits[A+][hospital_cap]}元（A+、B+类）；"
        "市职工服务中心收到齐全材料后{member_card_payout_days:join days}天内给付。"
    )
    params = ("member_card_district_account_events",)
    tables = ("member_card_plan_benefits", "member_card_payout_days")
    conditions = (
        "member_card_illness_in_plan",
        "member_card_benefit_in_coverage",
        "member_card_hospital_cap_per_period",
        "member_card_benefit_payer",
        "member_card_individual_route",
        "member_card_no_claim_deadline",
    )
    interpretations = (
        (
            "“除意外身故和疾病保障金划入区总工会指定账户外”理解为意外身故保障金和疾病身故保障金"
            "（身故会员的服务卡无法收款）；为此将“意外伤害全残或身故”分为意外全残、意外身故两项（标准同为3万元），"
            "仅单位统一参保会员的这两项划入区总工会指定账户，其余划入会员服务卡。",
            "member_card_district_account_events",
        ),
        (
            "住院保障“最高保障金给付额度为10800元”按每个保障有效期累计：本次给付 = min(60元×住院天数, "
            "10800元 − 本期已给付住院保障金)，已达上限的不再给付。",
            "member_card_hospital_cap_per_period",
        ),
        (
            "给付期限按收到齐全申请材料之日加90天（重大疾病）、60天（意外、疾病身故）、30天（住院）计算。",
            "member_card_payout_days",
        ),
        (
            "文件载明由市职工服务中心给付：出资方列为市职工保障互助会（Payer 无“市职工服务中心”一项）。",
            "member_card_benefit_payer",
        ),
        ("“二、给付时限”标题下无正文：不设给付申请截止日。", "member_card_no_claim_deadline"),
        (
            "文件未列出四类、二十二类重大疾病的病种（均含原位癌）：由申请人确认所患疾病是否属于所参保类别的病种。",
            "member_card_illness_in_plan",
        ),
    )
    schema = FactsSchema(
        (
            Fact("plan_class", "choice", "参保的保障类别", source="record", choices=PLANS_2021),
            Fact("event", "choice", "保障事项", choices=EVENTS_2021),
            Fact("event_date", "date", "事故发生/确诊/入院日期"),
            Fact("coverage_start", "date", "保障期起始日", source="record"),
            Fact("coverage_end", "date", "保障期截止日", source="record"),
            Fact("enrolment", "choice", "参保方式", source="record", choices=ENROLMENTS),
            Fact(
                "illness_in_plan",
                "bool",
                "所患疾病属于所参保类别的重大疾病病种（含原位癌）",
                required=False,
                help="保障事项为重大疾病时需要",
            ),
            Fact(
                "hospital_days", "int", "住院天数", required=False, minimum=1, maximum=366, help="保障事项为住院时需要"
            ),
            Fact(
                "hospital_paid_in_period",
                "decimal",
                "本保障期内已给付的住院保障金（元）",
                source="record",
                required=False,
                minimum=Decimal(0),
                maximum=Decimal("1000000"),
                help="不填视为0",
            ),
            Fact(
                "materials_complete_on",
                "date",
                "市职工服务中心收到齐全申请材料的日期",
                source="reviewer",
                reviewer="district",
                required=False,
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        row = self._plan(checks, f, ctx, "member_card_plan_benefits", "A、B、A+、B+类之一")
        standard = self._event(checks, f, ctx, row)
        amount = ZERO
        if standard is not None and f.event == "hospital":
            amount = self._hospital(checks, f, ctx, row, standard)
        elif standard is not None:
            amount = standard
            checks.note(
                "amount",
                f"{row['label']}{EVENT_LABELS[f.event]}保障，给付标准 {yuan(standard)}",
                ctx.clause("member_card_plan_benefits"),
            )
        due = self._payout(checks, f, ctx)
        checks.note(
            "claim.no_deadline",
            "文件“给付时限”一节无正文，未载明给付申请截止日",
            ctx.clause("member_card_no_claim_deadline"),
        )
        route = self._route(checks, f, ctx)
        checks.note("payer", "市职工服务中心给付（列为市职工保障互助会）", ctx.clause("member_card_benefit_payer"))
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.CITY_MUTUAL_AID, amount),),
            route=route,
            dates={"coverage_start": f.coverage_start, "coverage_end": f.coverage_end, "payout_due": due},
            details={"plan": row["label"] if row else "", "event": EVENT_LABELS.get(f.event or "", "")},
        )

    def _hospital(self, checks: Checks, f: Facts, ctx: Context, row: dict, per_day: Decimal) -> Decimal:
        clause = ctx.clause("member_card_hospital_cap_per_period")
        if f.hospital_days is None:
            checks.need("hospital.days", None, clause, "", "", f"待确认住院天数（住院保障{yuan(per_day)}/天）")
            return ZERO
        cap = row["hospital_cap"]
        paid = money(f.hospital_paid_in_period or 0)
        remaining = cap - paid if cap > paid else ZERO
        claimed = money(per_day * f.hospital_days)
        amount = min(claimed, remaining)
        capped = f"，受最高给付额度 {yuan(cap)} 限制（本期已付 {yuan(paid)}）" if amount < claimed else ""
        checks.need(
            "hospital.cap",
            remaining > 0,
            clause,
            f"住院 {f.hospital_days} 天 × {yuan(per_day)} = {yuan(claimed)}{capped}，本次给付 {yuan(amount)}",
            f"本保障期内已给付住院保障金 {yuan(paid)}，已达最高给付额度 {yuan(cap)}",
        )
        return amount

    def _payout(self, checks: Checks, f: Facts, ctx: Context) -> date | None:
        rule = ctx.table("member_card_payout_days").get(f.event) if f.event else None
        if rule is None:
            return None
        clause = ctx.clause("member_card_payout_days")
        verified = "经调查核实无误后" if rule["verified"] else ""
        if f.materials_complete_on is None:
            checks.note("payout.due", f"市职工服务中心收到齐全的申请材料后，在{rule['days']}天内{verified}给付", clause)
            return None
        due = f.materials_complete_on + timedelta(days=rule["days"])
        checks.note(
            "payout.due",
            f"材料于 {f.materials_complete_on} 收齐，{rule['days']}天内{verified}给付，即 {due} 前",
            clause,
        )
        return due

    def _route(self, checks: Checks, f: Facts, ctx: Context) -> Route | None:
        if f.enrolment is None:
            checks.need(
                "route.enrolment",
                None,
                ctx.clause("member_card_individual_route"),
                "",
                "",
                "待确认参保方式（单位统一参保或会员个人参保），以确定保障金划入途径",
            )
            return None
        if f.enrolment == "individual":
            checks.note(
                "route.member_card",
                "会员个人参保：保障金划入参保会员的会员服务卡内",
                ctx.clause("member_card_individual_route"),
            )
            return Route.MEMBER_CARD
        clause = ctx.clause("member_card_district_account_events")
        if f.event in ctx.value("member_card_district_account_events"):
            checks.note(
                "route.district_account", f"单位统一参保会员：{EVENT_LABELS[f.event]}保障金划入区总工会指定账户", clause
            )
            return Route.DISTRICT_ACCOUNT
        checks.note("route.member_card", "单位统一参保会员：保障金划入参保会员的工会服务卡内", clause)
        return Route.MEMBER_CARD


# --------------------------------------------------------------------------- condolence payments


class CityCondolencePayment(_MemberCardRule):
    rule_id = "city_condolence_payment"
    title = "市总大病慰问金"
    summary = (
        "持卡并享有会员专享基本保障的会员，{member_card_city_condolence_diagnosed_from:y}年内在保障有效期内首次确诊"
        "十二类重大疾病并住院治疗的，市总工会给予一次性慰问金{member_card_city_condolence_amount}元，"
        "一个年度内最高{member_card_city_condolence_amount}元。"
    )
    params = (
        "member_card_city_condolence_amount",
        "member_card_city_condolence_diagnosed_from",
        "member_card_city_condolence_diagnosed_to",
        "member_card_city_condolence_hospitals",
    )
    conditions = (
        "member_card_city_condolence_holder",
        "member_card_city_condolence_first_diagnosis",
        "member_card_city_condolence_illness",
        "member_card_city_condolence_once",
        "member_card_condolence_route",
    )
    interpretations = (
        (
            "大病慰问金按“工会帮扶资金等都通过工会会员服务卡发放”理解，途径列为划入会员服务卡。",
            "member_card_condolence_route",
        ),
        (
            "“2019年1月1日—12月31日期间”首次确诊，两端日期均在内；确诊日还须在本人保障期内（两端均在内）。",
            "member_card_city_condolence_diagnosed_from",
        ),
        ("“一个年度”按自然年理解：本年度已领取过市总大病慰问金的不再发放。", "member_card_city_condolence_once"),
    )
    schema = FactsSchema(
        (
            VALID_CARD,
            Fact("has_basic_coverage", "bool", "享有工会会员专享基本保障", source="record"),
            Fact("coverage_start", "date", "保障期起始日", source="record"),
            Fact("coverage_end", "date", "保障期截止日", source="record"),
            Fact("diagnosis_date", "date", "确诊日期"),
            Fact("first_diagnosis", "bool", "本次为首次确诊"),
            Fact("hospital_level", "choice", "确诊医院", choices=HOSPITALS),
            Fact("twelve_illnesses", "bool", "所患疾病属于十二类重大疾病"),
            Fact("hospitalised", "bool", "已住院治疗"),
            ALREADY_PAID,
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        holder = ctx.clause("member_card_city_condolence_holder")
        checks.need("card.valid", f.has_valid_member_card, holder, "持上海工会会员服务卡", "须持上海工会会员服务卡")
        checks.need(
            "coverage.has", f.has_basic_coverage, holder, "享有工会会员专享基本保障", "须享有工会会员专享基本保障"
        )
        first = ctx.clause("member_card_city_condolence_first_diagnosis")
        checks.need(
            "diagnosis.first",
            f.first_diagnosis,
            first,
            "首次确诊",
            "市总大病慰问金限首次确诊；非首次确诊的可了解区总大病慰问金",
        )
        low, high = (
            ctx.value("member_card_city_condolence_diagnosed_from"),
            ctx.value("member_card_city_condolence_diagnosed_to"),
        )
        day = f.diagnosis_date
        checks.need(
            "diagnosis.in_year",
            _between(day, low, high),
            ctx.clause("member_card_city_condolence_diagnosed_from"),
            f"确诊日期 {day} 在 {low} 至 {high} 期间",
            f"首次确诊日期须在 {low} 至 {high} 期间，实际为 {day}",
            f"待确认首次确诊日期（须在 {low} 至 {high} 期间）",
        )
        checks.need(
            "diagnosis.in_coverage",
            _between(day, f.coverage_start, f.coverage_end),
            first,
            f"首次确诊日期在保障有效期 {f.coverage_start} 至 {f.coverage_end} 内",
            f"首次确诊日期必须在保障有效期 {f.coverage_start} 至 {f.coverage_end} 内，实际为 {day}",
            "待确认首次确诊日期及保障期起止日期（首次确诊日期必须在保障有效期内）",
        )
        hospitals = ctx.value("member_card_city_condolence_hospitals")
        checks.need(
            "hospital.level",
            None if f.hospital_level is None else f.hospital_level in hospitals,
            ctx.clause("member_card_city_condolence_hospitals"),
            f"确诊医院：{HOSPITAL_LABELS.get(f.hospital_level or '', '')}",
            "须经市职保中心认定的本市二三级医院、外省市三级医院或市职保中心认定的其他医院确诊",
            "待确认确诊医院（本市二三级医院、外省市三级医院或市职保中心认定的其他医院）",
        )
        _illness_and_hospital(checks, f, ctx.clause("member_card_city_condolence_illness"))
        amount = ctx.value("member_card_city_condolence_amount")
        _once(checks, f, ctx.clause("member_card_city_condolence_once"), amount)
        checks.note(
            "amount", f"市总工会给予一次性慰问金 {yuan(amount)}", ctx.clause("member_card_city_condolence_amount")
        )
        checks.note("route.member_card", "慰问金通过工会会员服务卡发放", ctx.clause("member_card_condolence_route"))
        return checks.decision(self, amount=amount, split=(Share(Payer.CITY_UNION, amount),), route=Route.MEMBER_CARD)


class DistrictCondolencePayment(_MemberCardRule):
    rule_id = "district_condolence_payment"
    title = "区总大病慰问金"
    summary = (
        "嘉定区工会会员：持有效会员服务卡且参加上海市在职职工互助保障计划、"
        "{member_card_district_condolence_diagnosed_from}起经本市二三级"
        "医院或外省市三级医院非首次确诊十二类重大疾病并住院治疗的，或因客观原因不能申请会员服务卡专享"
        "基本保障、患十二类重大疾病住院治疗的，区总工会给予一次性慰问金{member_card_district_condolence_amount}元，"
        "一个年度内最高{member_card_district_condolence_amount}元。"
    )
    params = (
        "member_card_district_condolence_amount",
        "member_card_district_condolence_diagnosed_from",
        "member_card_district_condolence_hospitals",
    )
    conditions = (
        "member_card_district_condolence_member",
        "member_card_district_condolence_mutual_aid",
        "member_card_district_condolence_non_first",
        "member_card_district_condolence_no_coverage",
        "member_card_district_condolence_either",
        "member_card_district_condolence_once",
        "member_card_condolence_route",
    )
    interpretations = (
        (
            "关爱对象三项按“（1且2）或3”理解：情形一为持有效会员服务卡、参加上海市在职职工互助保障计划，"
            "经本市二三级医院或外省市三级医院非首次确诊；情形二为因客观原因不能申请会员服务卡专享基本保障。"
            "两种情形均须2019年1月1日起确诊十二类重大疾病并住院治疗；情形二不限医院等级和是否首次确诊。",
            "member_card_district_condolence_either",
        ),
        (
            "区总慰问金面向嘉定区工会会员：两种情形均要求为本区工会会员（第3项“职工会员”按本区会员理解）。",
            "member_card_district_condolence_member",
        ),
        (
            "“从2019年1月1日起”包含当日，文件未设截止日，本规则不设确诊日期上限。",
            "member_card_district_condolence_diagnosed_from",
        ),
        ("“一个年度”按自然年理解：本年度已领取过区总大病慰问金的不再发放。", "member_card_district_condolence_once"),
        (
            "大病慰问金按“工会帮扶资金等都通过工会会员服务卡发放”理解，途径列为划入会员服务卡。",
            "member_card_condolence_route",
        ),
    )
    schema = FactsSchema(
        (
            Fact("is_district_member", "bool", "嘉定区工会会员", profile="is_district_member"),
            Fact("diagnosis_date", "date", "确诊日期"),
            Fact("twelve_illnesses", "bool", "所患疾病属于十二类重大疾病"),
            Fact("hospitalised", "bool", "已住院治疗"),
            ALREADY_PAID,
            Fact(
                "has_valid_member_card",
                "bool",
                "持有有效上海工会会员服务卡",
                required=False,
                profile="has_valid_member_card",
                help="情形一需要",
            ),
            Fact(
                "in_city_mutual_aid_plan", "bool", "参加上海市在职职工互助保障计划", required=False, help="情形一需要"
            ),
            Fact("first_diagnosis", "bool", "本次为首次确诊", required=False, help="情形一需要（须为非首次确诊）"),
            Fact("hospital_level", "choice", "确诊医院", choices=HOSPITALS, required=False, help="情形一需要"),
            Fact(
                "no_card_coverage_objective_reason",
                "bool",
                "因客观原因不能申请工会会员服务卡专享基本保障",
                required=False,
                help="情形二需要",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "member.district",
            f.is_district_member,
            ctx.clause("member_card_district_condolence_member"),
            "嘉定区工会会员",
            "区总大病慰问金面向嘉定区工会会员",
        )
        since = ctx.value("member_card_district_condolence_diagnosed_from")
        day = f.diagnosis_date
        checks.need(
            "diagnosis.since",
            None if day is None else day >= since,
            ctx.clause("member_card_district_condolence_diagnosed_from"),
            f"确诊日期 {day} 在 {since} 以后",
            f"须从 {since} 起确诊（含当日），实际为 {day}",
            f"待确认确诊日期（须从 {since} 起）",
        )
        _illness_and_hospital(checks, f, ctx.clause("member_card_district_condolence_non_first"))
        self._situations(checks, f, ctx)
        amount = ctx.value("member_card_district_condolence_amount")
        _once(checks, f, ctx.clause("member_card_district_condolence_once"), amount)
        checks.note(
            "amount", f"区总工会给予一次性慰问金 {yuan(amount)}", ctx.clause("member_card_district_condolence_amount")
        )
        checks.note("route.member_card", "慰问金通过工会会员服务卡发放", ctx.clause("member_card_condolence_route"))
        return checks.decision(
            self, amount=amount, split=(Share(Payer.DISTRICT_UNION, amount),), route=Route.MEMBER_CARD
        )

    def _situations(self, checks: Checks, f: Facts, ctx: Context) -> None:
        mutual = ctx.clause("member_card_district_condolence_mutual_aid")
        non_first = ctx.clause("member_card_district_condolence_non_first")
        hospitals = ctx.value("member_card_district_condolence_hospitals")
        level = None if f.hospital_level is None else f.hospital_level in hospitals
        first = (
            (
                "card.valid",
                f.has_valid_member_card,
                mutual,
                "持有效上海市工会会员服务卡",
                "未持有效上海市工会会员服务卡",
            ),
            (
                "mutual_aid.plan",
                f.in_city_mutual_aid_plan,
                mutual,
                "参加上海市在职职工互助保障计划",
                "未参加上海市在职职工互助保障计划",
            ),
            (
                "diagnosis.non_first",
                None if f.first_diagnosis is None else not f.first_diagnosis,
                non_first,
                "非首次确诊",
                "须为非首次确诊（首次确诊的可了解市总大病慰问金）",
            ),
            (
                "hospital.level",
                level,
                ctx.clause("member_card_district_condolence_hospitals"),
                f"确诊医院：{HOSPITAL_LABELS[f.hospital_level]}"
                if f.hospital_level
                else "经本市二三级医院或外省市三级医院确诊",
                "须经本市二三级医院或外省市三级医院确诊",
            ),
        )
        second = (
            (
                "coverage.objective_reason",
                f.no_card_coverage_objective_reason,
                ctx.clause("member_card_district_condolence_no_coverage"),
                "因客观原因不能申请工会会员服务卡专享基本保障",
                "不属于因客观原因不能申请会员服务卡专享基本保障的情形",
            ),
        )
        situations = (("情形一", first), ("情形二", second))
        results = [_all(*(ok for _, ok, *_ in conds)) for _, conds in situations]
        either = ctx.clause("member_card_district_condolence_either")
        for (name, conds), ok in zip(situations, results, strict=True):
            if ok:
                checks.note("situation", f"符合关爱对象{name}", either)
                for code, _, clause, met, _ in conds:
                    checks.need(code, True, clause, met, "")
                return
        if all(ok is False for ok in results):
            for name, conds in situations:
                for code, ok, clause, _, unmet in conds:
                    if ok is False:
                        checks.need(code, False, clause, "", f"{name}：{unmet}")
            checks.fail(
                "situation.none",
                "不符合关爱对象的任一情形（情形一：持卡、参加在职职工互助保障计划且非首次确诊；"
                "情形二：因客观原因不能申请会员服务卡专享基本保障）",
                either,
            )
            return
        ruled_out = "；".join(
            f"{name}不符合（{'、'.join(u for _, ok, _, _, u in conds if ok is False)}）"
            for (name, conds), ok in zip(situations, results, strict=True)
            if ok is False
        )
        prefix = f"{ruled_out}；" if ruled_out else ""
        for (name, conds), ok in zip(situations, results, strict=True):
            if ok is None:
                for code, value, clause, met, _ in conds:
                    if value is None:
                        checks.need(code, None, clause, met, "", f"{prefix}待确认（{name}）：{met}")


def _illness_and_hospital(checks: Checks, f: Facts, clause: Clause) -> None:
    checks.need("illness.twelve", f.twelve_illnesses, clause, "患有十二类重大疾病", "须患有十二类重大疾病之一")
    checks.need("illness.hospitalised", f.hospitalised, clause, "已住院治疗", "须住院治疗")


def _once(checks: Checks, f: Facts, clause: Clause, amount: Decimal) -> None:
    checks.need(
        "once.per_year",
        None if f.already_paid_this_year is None else not f.already_paid_this_year,
        clause,
        "本年度尚未领取",
        f"一个年度内最高发放 {yuan(amount)}，本年度已领取过",
    )


RULES_2019: tuple[type[Rule], ...] = (
    MemberBasicCoverage2019,
    MemberCoverageBenefit2019,
    CityCondolencePayment,
    DistrictCondolencePayment,
)
RULES_2021: tuple[type[Rule], ...] = (MemberBasicCoverage2021, MemberCoverageBenefit2021)
