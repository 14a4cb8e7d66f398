"""Flexible workers: 2019 §4 coverage (enrolment and benefit claims) and the 2021 “五送” care services.

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .base import Checks, Context, Rule
from .core import ZERO, Clause, Decision, Payer, Route, Share, money
from .facts import Fact, Facts, FactsSchema
from .pieces import add_months, age_on, first_of_month_after_next, first_of_next_month, shares, yuan
from .vocabulary import FLEXIBLE_INDUSTRIES

BIRTH_DATE = Fact("birth_date", "date", "出生日期", profile="birth_date")
INDUSTRY = Fact(
    "flexible_industry",
    "choice",
    "灵活就业行业",
    choices=tuple(FLEXIBLE_INDUSTRIES.items()),
    profile="flexible_industry",
)
PAID_FULL_DUES = Fact("paid_full_dues_in_one_go", "bool", "一次缴满年度会费", profile="paid_full_dues_in_one_go")


def _names(codes: tuple[str, ...]) -> str:
    return "、".join(FLEXIBLE_INDUSTRIES.get(code, code) for code in codes)


def _under_age(checks: Checks, birth: date | None, on: date | None, limit: int, clause: Clause, on_label: str) -> None:
    """“未满60周岁”: the 周岁 age on `on` must be below the limit (60 itself is refused)."""
    if birth is None or on is None:
        checks.need("age.under_60", None, clause, "", "", f"待确认出生日期和{on_label}：须未满{limit}周岁")
        return
    age = age_on(birth, on)
    ok = age < limit
    checks.need(
        "age.under_60",
        ok,
        clause,
        f"{on_label}（{on}）为{age}周岁，未满{limit}周岁" if ok else "",
        "" if ok else f"年龄须未满{limit}周岁，{on_label}（{on}）为{age}周岁",
    )


def _claim_deadline(row: dict, coverage_end: date | None, accident: date | None) -> date | None:
    """The last day to submit a claim: the start day is not counted, the period ends on the matching day."""
    base = accident if row["counted_from"] == "accident" else coverage_end
    if base is None:
        return None
    if row["days"] is not None:
        return base + timedelta(days=row["days"])
    return add_months(base, row["months"])


def _coverage_texts(ctx: Context) -> tuple:
    """The benefit list and the claim-deadline templates of one policy data (computed once per data)."""
    return ctx.data.derived("flexible_coverage_texts", _build_coverage_texts)


def _build_coverage_texts(data) -> tuple:
    v = data.value
    benefits = (
        f"住院天数补助金每天{yuan(v('flexible_hospital_daily'))}、一个保障期内最高"
        f"{yuan(v('flexible_hospital_cap'))}；特种重病保障{yuan(v('flexible_serious_illness_amount'))}；"
        f"意外伤残（非全残）最高{yuan(v('flexible_accident_disability_cap'))}；"
        f"意外全残最高{yuan(v('flexible_accident_total_disability_cap'))}；"
        f"意外身故{yuan(v('flexible_accident_death_amount'))}（伤残、全残、身故均须在意外发生之日起"
        f"{v('flexible_accident_days')}天内）；疾病身故{yuan(v('flexible_illness_death_amount'))}；市职保会给付"
    )
    table = data.table("flexible_claim_deadlines")
    deadlines = tuple(
        (
            f"claim_deadline.{row['benefit']}",
            f"{row['label']}：意外伤害事故发生之日起{row['days']}天内"
            if row["counted_from"] == "accident"
            else f"{row['label']}：{row['quote']}",
            None if row["counted_from"] == "accident" else row["months"],
        )
        for row in table.rows
    )
    fee, full_dues, rate = v("flexible_fee"), v("flexible_full_dues"), v("flexible_district_subsidy_rate")
    district = money(fee * rate)
    fund_note = (
        f"一次缴满{yuan(full_dues)}年度会费：保障费{yuan(fee)}由服务灵活就业群体工会会员项目经费承担"
        "（市总工会直接划至市职保会），无需办理参保手续"
    )
    split_note = f"保障费{yuan(fee)}：区总工会补贴{yuan(district)}（{rate * 100:.0f}%），个人承担{yuan(fee - district)}"
    return benefits, deadlines, table.get("hospital_days")["months"], district, fund_note, split_note


CLAIM_DEADLINE_CHOICE = (
    "给付申请截止时间“保障期满之日起两年内／6个月内”“意外伤害事故发生之日起180天内”：起算日不计入，"
    "两年、6个月到期满日的对应日为最后一日，180天以意外当日为第0天、第180天为最后一日"
    "（《民法典》第二百零一、二百零二条）；最后一日提交仍予受理，次日起逾期不予受理。"
)


# ---------------------------------------------------------------------------------------------
# 2019 §4: enrolment
# ---------------------------------------------------------------------------------------------


class FlexibleWorkerCoverage(Rule):
    rule_id = "flexible_worker_coverage"
    project = "flexible_workers"
    title = "灵活就业会员专享保障参保"
    summary = (
        "本市快递物流、网约送餐等服务行业的灵活就业会员，未满{flexible_age_limit}周岁、不享受本市职工基本医疗保险的，"
        "由所在行业或街镇（园区）工会团体参保，保障费每人每年{flexible_fee}元：一次缴满{flexible_full_dues}元年度会费的"
        "由项目经费承担，其他会员区总工会补贴{flexible_district_subsidy_rate:percent}%、其余由个人承担。"
        "保障期{flexible_coverage_years}年，不设免期。"
    )
    applicant = "member"
    params = (
        "flexible_industries",
        "flexible_age_limit",
        "flexible_fee",
        "flexible_coverage_years",
        "flexible_full_dues",
        "flexible_district_subsidy_rate",
        "flexible_application_cutoff_day",
        "flexible_hospital_daily",
        "flexible_hospital_cap",
        "flexible_serious_illness_amount",
        "flexible_accident_disability_cap",
        "flexible_accident_total_disability_cap",
        "flexible_accident_death_amount",
        "flexible_illness_death_amount",
        "flexible_accident_days",
    )
    tables = ("flexible_claim_deadlines",)
    conditions = (
        "flexible_no_city_medical_insurance",
        "flexible_voluntary_member",
        "flexible_one_share_per_period",
        "flexible_group_enrolment",
        "flexible_full_dues_fee",
        "flexible_full_dues_start",
        "flexible_top_up",
    )
    interpretations = (
        (
            "“起保日统一为…日期的次日1日”理解为次月1日：一次缴满120元的会员，起保日为工会将其信息上传“申工通”"
            "工作平台当月的下一个月1日（区总工会确定）。",
            "flexible_full_dues_start",
        ),
        (
            "“凡当月25日前…次日1日；凡当月25日及之后…隔一个月的1日”：24日及以前提交的起保日为次月1日，"
            "25日（含）以后提交的为隔一个月的1日（本条另写明“25日及之后”，故不适用“X日前含X日”的通用约定）；"
            "“次日1日”同样理解为次月1日。",
            "flexible_application_cutoff_day",
        ),
        (
            "“未滿60周岁”按周岁计算、60周岁当日即不符合：一次缴满120元的会员按工会上传“申工通”平台日期计算，"
            "其他会员按向服务处提交参保申请的日期计算。",
            "flexible_age_limit",
        ),
        (
            "行业名录按文件列举的八个行业理解（“等服务行业”不自行扩展）；2021年名录中的“物业保安”“保洁环卫”"
            "属于2019年名录的“保安保洁”，一并受理；工地短工、农业临工、街面雇员、网络平台灵活用工为2021年新增，"
            "2019年不受理。",
            "flexible_industries",
        ),
        (
            "“有条件，街镇工会或用工主体给予适当补贴”：文件未载明金额；补贴额（top_up）由工会填写，"
            "从个人承担的50%中扣减（不超过个人承担部分），计入基层单位出资。一次缴满120元的会员保障费全部由项目经费承担，"
            "补贴不适用。",
            "flexible_top_up",
        ),
        (
            "“保障期一年”：自起保日起算，至一年后对应日的前一日止（如2019年7月1日起保，2020年6月30日期满）。",
            "flexible_coverage_years",
        ),
        (
            "一个保障期内只能参加一份：由工会确认会员本保障期内是否已参加（already_enrolled_in_period），"
            "已参加的不再受理（“超出份数无效”）。",
            "flexible_one_share_per_period",
        ),
        (
            CLAIM_DEADLINE_CHOICE + "决定中的给付申请截止日（claim_deadline）取住院天数补助金、重大疾病和意外身故的"
            "“保障期满之日起两年内”，各项截止时间列在 details 中。",
            "flexible_claim_deadlines",
        ),
    )
    schema = FactsSchema(
        (
            BIRTH_DATE,
            INDUSTRY,
            Fact(
                "has_city_medical_insurance",
                "bool",
                "享受上海市职工基本医疗保险待遇",
                profile="has_city_medical_insurance",
            ),
            Fact("voluntary_member_paying_dues", "bool", "自愿加入工会，按规定缴纳会费", profile="paid_dues_this_year"),
            PAID_FULL_DUES,
            Fact("already_enrolled_in_period", "bool", "本保障期内已参加一份《灵活就业会员专享保障》", source="record"),
            Fact(
                "uploaded_on",
                "date",
                "工会将会员信息上传至“申工通”工作平台的日期",
                source="record",
                required=False,
                help="一次缴满年度会费的会员填写",
            ),
            Fact(
                "application_date",
                "date",
                "向服务处提交参保申请的日期",
                required=False,
                profile="today",
                help="其他会员（非一次缴满年度会费）填写",
            ),
            Fact(
                "top_up",
                "decimal",
                "街镇工会或用工主体补贴（元）",
                required=False,
                minimum=Decimal("0"),
                maximum=Decimal("40"),
                help="有条件的街镇工会或用工主体给予的补贴，从个人承担部分中扣减",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        paid = f.paid_full_dues_in_one_go
        if paid or (paid is None and f.application_date is None and f.uploaded_on is not None):
            on, on_label = f.uploaded_on, "上传“申工通”平台日期"
        else:
            on, on_label = f.application_date, "参保申请日期"

        industries = ctx.value("flexible_industries")
        code = f.flexible_industry
        name = FLEXIBLE_INDUSTRIES.get(code, code)
        listed = None if code is None else code in industries
        checks.need(
            "industry.listed",
            listed,
            ctx.clause("flexible_industries"),
            f"从事{name}行业（名录内）",
            f"“{name}”不在2019年灵活就业行业名录内（{_names(industries)}）" if listed is False else "",
        )
        _under_age(
            checks, f.birth_date, on, ctx.value("flexible_age_limit"), ctx.clause("flexible_age_limit"), on_label
        )
        insured = f.has_city_medical_insurance
        checks.need(
            "medical.no_city_insurance",
            None if insured is None else not insured,
            ctx.clause("flexible_no_city_medical_insurance"),
            "不享受上海市职工基本医疗保险待遇",
            "享受上海市职工基本医疗保险待遇的，不能参加《灵活就业会员专享保障》",
        )
        checks.need(
            "member.voluntary_dues",
            f.voluntary_member_paying_dues,
            ctx.clause("flexible_voluntary_member"),
            "自愿加入工会，按规定缴纳会费",
            "须自愿加入工会，按规定缴纳会费",
        )
        enrolled = f.already_enrolled_in_period
        checks.need(
            "share.one_per_period",
            None if enrolled is None else not enrolled,
            ctx.clause("flexible_one_share_per_period"),
            "本保障期内尚未参加（一个保障期内只能参加一份）",
            "一个保障期内只能参加一份，超出份数无效：本保障期内已参加",
        )
        checks.note(
            "enrolment.group",
            "由所在行业工会或街镇（园区）工会组织团体参保；不设保障免期",
            ctx.clause("flexible_group_enrolment"),
        )

        fee = ctx.value("flexible_fee")
        benefits, deadlines, main_months, district, fund_note, split_note = _coverage_texts(ctx)
        split: tuple[Share, ...] = ()
        start = None
        if paid is None:
            checks.need(
                "dues.full_in_one_go",
                None,
                ctx.clause("flexible_full_dues"),
                "",
                "",
                f"待确认是否一次缴满{yuan(ctx.value('flexible_full_dues'))}年度会费（决定保障费承担方式和起保日）",
            )
        elif paid:
            split = (Share(Payer.PROJECT_FUND, fee),)
            checks.note("fee.project_fund", fund_note, ctx.clause("flexible_full_dues_fee"))
            if f.uploaded_on is None:
                checks.need(
                    "coverage.start",
                    None,
                    ctx.clause("flexible_full_dues_start"),
                    "",
                    "",
                    "一次缴满年度会费的会员无需办理参保手续：所在行业工会或街镇（园区）工会在“申工通”"
                    "平台实名登记后，次月1日起保",
                )
            else:
                start = first_of_next_month(f.uploaded_on)
                checks.note(
                    "coverage.start",
                    f"信息于{f.uploaded_on}上传“申工通”平台，起保日为次月1日：{start}",
                    ctx.clause("flexible_full_dues_start"),
                )
        else:
            personal = fee - district
            top_up = ZERO if f.top_up is None else money(f.top_up)
            checks.note("fee.split", split_note, ctx.clause("flexible_district_subsidy_rate"))
            if top_up > personal:
                checks.fail(
                    "top_up.exceeds",
                    f"街镇工会或用工主体补贴{yuan(top_up)}超过个人承担部分{yuan(personal)}",
                    ctx.clause("flexible_top_up"),
                )
                top_up = personal
            elif top_up:
                checks.note(
                    "top_up",
                    f"街镇工会或用工主体补贴{yuan(top_up)}，个人实付{yuan(personal - top_up)}",
                    ctx.clause("flexible_top_up"),
                )
            split = shares((Payer.DISTRICT_UNION, district), (Payer.UNIT, top_up), (Payer.PERSONAL, personal - top_up))
            applied = f.application_date
            cutoff = ctx.value("flexible_application_cutoff_day")
            clause = ctx.clause("flexible_application_cutoff_day")
            if applied is None:
                checks.need(
                    "coverage.start",
                    None,
                    clause,
                    "",
                    "",
                    f"待确认向服务处提交参保申请的日期（当月{cutoff}日前提交的次月1日起保，"
                    f"{cutoff}日及之后提交的隔一个月的1日起保）",
                )
            elif applied.day < cutoff:
                start = first_of_next_month(applied)
                checks.note(
                    "coverage.start", f"{applied}提交参保申请（当月{cutoff}日前），起保日为次月1日：{start}", clause
                )
            else:
                start = first_of_month_after_next(applied)
                checks.note(
                    "coverage.start",
                    f"{applied}提交参保申请（当月{cutoff}日及之后），起保日为隔一个月的1日：{start}",
                    clause,
                )

        years = ctx.value("flexible_coverage_years")
        end = None if start is None else add_months(start, 12 * years) - timedelta(days=1)
        route = (
            "待确认"
            if paid is None
            else f"一次缴满{yuan(ctx.value('flexible_full_dues'))}年度会费（项目经费承担）"
            if paid
            else "其他会员（区总补贴、个人承担）"
        )
        details = {"route": route, "benefits": benefits}
        claim_deadline = None
        if end is not None:
            checks.note("coverage.period", f"保障期一年：{start}至{end}", ctx.clause("flexible_coverage_years"))
            last_days: dict[int, date] = {}
            for key, text, months in deadlines:
                if months is None:
                    details[key] = text
                    continue
                last = last_days.get(months)
                if last is None:
                    last = last_days[months] = add_months(end, months)
                details[key] = f"{text}（至{last.isoformat()}）"
            claim_deadline = last_days.get(main_months) or add_months(end, main_months)
        return checks.decision(
            self,
            amount=fee,
            split=split,
            route=Route.GROUP_ENROLMENT,
            dates={"coverage_start": start, "coverage_end": end, "claim_deadline": claim_deadline},
            details=details,
        )


# ---------------------------------------------------------------------------------------------
# 2019 §4: benefit claims (保障责任 / 申请和给付保障金)
# ---------------------------------------------------------------------------------------------

BENEFITS = (
    ("hospital_days", "住院天数补助金"),
    ("special_serious_illness", "特种重病保障"),
    ("accident_disability", "意外伤残保障金（非全残）"),
    ("accident_total_disability", "意外全残保障金"),
    ("accident_death", "意外身故保障金"),
    ("illness_death", "疾病身故保障金"),
)
BENEFIT_LABELS = dict(BENEFITS)
# 2019 §4 申请方式: "通过各行业工会或街镇（园区）工会向各区服务处提交给付申请，也可自行就近前往各区服务处提交".
CLAIM_CHANNELS = (("union", "通过所在行业工会或街镇（园区）工会提交"), ("district_office", "自行前往区服务处提交"))
CLAIM_CHANNEL_NOTES = {
    "union": "通过所在行业工会或街镇（园区）工会向区服务处提交给付申请",
    "district_office": "自行就近前往区服务处提交给付申请",
}
ACCIDENT_OUTCOMES = {"accident_disability": "伤残", "accident_total_disability": "全残", "accident_death": "身故"}
EVENT_LABELS = {"hospital_days": "入院日期", "special_serious_illness": "确诊日期", "illness_death": "身故日期"}
FIXED_AMOUNTS = {
    "special_serious_illness": "flexible_serious_illness_amount",
    "illness_death": "flexible_illness_death_amount",
}
DISABILITY_CAPS = {
    "accident_disability": "flexible_accident_disability_cap",
    "accident_total_disability": "flexible_accident_total_disability_cap",
}


class FlexibleWorkerBenefit(Rule):
    rule_id = "flexible_worker_benefit"
    project = "flexible_workers"
    title = "灵活就业会员专享保障给付"
    summary = (
        "住院每天{flexible_hospital_daily}元（一个保障期最高{flexible_hospital_cap}元）；"
        "特种重病{flexible_serious_illness_amount}元；意外伤残最高{flexible_accident_disability_cap}元、"
        "全残最高{flexible_accident_total_disability_cap}元、身故{flexible_accident_death_amount}元"
        "（均须在意外发生之日起{flexible_accident_days}天内）；疾病身故{flexible_illness_death_amount}元。"
        "由市职保会给付，逾期申请不予受理。"
    )
    applicant = "member"
    params = (
        "flexible_hospital_daily",
        "flexible_hospital_cap",
        "flexible_serious_illness_amount",
        "flexible_accident_days",
        "flexible_accident_disability_cap",
        "flexible_accident_total_disability_cap",
        "flexible_accident_death_amount",
        "flexible_illness_death_amount",
        "flexible_coverage_years",
    )
    tables = ("flexible_claim_deadlines",)
    conditions = ("flexible_event_in_coverage", "flexible_payer", "flexible_claim_channel")
    interpretations = (
        (
            "“自意外伤害（发生）之日起180天内”：意外当日为第0天，第180天为最后一日（起算日不计入，《民法典》第二百零一条）；"
            "伤残、全残、身故须在此期间内发生。",
            "flexible_accident_days",
        ),
        (
            "保险事故须发生在保障期内（起保日、期满日当日均算）：住院以入院日期、特种重病以确诊日期、疾病身故以身故日期、"
            "意外类以意外伤害发生日期为准。",
            "flexible_event_in_coverage",
        ),
        (CLAIM_DEADLINE_CHOICE, "flexible_claim_deadlines"),
        (
            "意外伤残（非全残）、意外全残保障金按市职保会核定的金额（assessed_amount）给付，分别以15000元、60000元为上限；"
            "文件未载明按伤残程度计算的比例，规则不自行计算。",
            "flexible_accident_disability_cap",
        ),
        (
            "意外身故前已领取过伤残、全残保障金的，文件未载明可给付的数额，按不符合（三）(3)处理。",
            "flexible_accident_death_amount",
        ),
        (
            "特种重病保障：文件未列病种，由市职保会按保障条款认定，规则不核对病种；给付申请截止时间表中的“重大疾病保障”"
            "即保障责任（二）“特种重病保障”。",
            "flexible_serious_illness_amount",
        ),
        (
            "住院天数补助金＝住院天数×60元，与本保障期内已给付的住院天数补助金（hospital_paid_in_period）合计不超过10800元；"
            "已达上限的不再给付。文件未载明跨保障期住院如何计算，按填写的住院天数计算。",
            "flexible_hospital_cap",
        ),
    )
    schema = FactsSchema(
        (
            Fact("benefit", "choice", "申请的保障金", choices=BENEFITS),
            Fact("coverage_start", "date", "起保日", source="record"),
            Fact("coverage_end", "date", "保障期满日", source="record"),
            Fact(
                "event_date",
                "date",
                "入院、确诊或身故日期",
                required=False,
                help="住院天数补助金填入院日期，特种重病填确诊日期，疾病身故填身故日期",
            ),
            Fact("accident_date", "date", "意外伤害发生日期", required=False, help="意外伤残、全残、身故填写"),
            Fact("outcome_date", "date", "伤残、全残或身故日期", required=False, help="意外伤残、全残、身故填写"),
            Fact("hospital_days", "int", "住院天数", required=False, minimum=1, maximum=366, help="住院天数补助金填写"),
            Fact(
                "hospital_paid_in_period",
                "decimal",
                "本保障期内已给付的住院天数补助金（元）",
                source="record",
                required=False,
                minimum=Decimal("0"),
                maximum=Decimal("1000000"),
                help="不填视为0",
            ),
            Fact(
                "assessed_amount",
                "decimal",
                "市职保会核定的伤残、全残保障金（元）",
                source="reviewer",
                reviewer="district",
                required=False,
                minimum=Decimal("0.01"),
                maximum=Decimal("1000000"),
                help="意外伤残、全残填写",
            ),
            Fact(
                "disability_paid_before",
                "bool",
                "已领取过伤残、全残保障金",
                source="record",
                required=False,
                help="意外身故填写",
            ),
            Fact("claim_date", "date", "提交给付申请日期", profile="today"),
            Fact(
                "claim_channel",
                "choice",
                "提交方式",
                choices=CLAIM_CHANNELS,
                required=False,
                help="不填视为通过所在工会提交",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        benefit = f.benefit
        start, end = f.coverage_start, f.coverage_end
        period_ok = None if start is None or end is None else start <= end
        checks.need(
            "coverage.period",
            period_ok,
            ctx.clause("flexible_coverage_years"),
            f"保障期 {start} 至 {end}" if period_ok else "",
            f"保障期满日（{end}）不能早于起保日（{start}）" if period_ok is False else "",
        )
        outcome_word = ACCIDENT_OUTCOMES.get(benefit)
        event = f.accident_date if outcome_word else f.event_date
        event_label = "意外伤害发生日期" if outcome_word else EVENT_LABELS.get(benefit, "保险事故日期")
        covered = None if event is None or not period_ok else start <= event <= end
        checks.need(
            "event.in_coverage",
            covered,
            ctx.clause("flexible_event_in_coverage"),
            f"{event_label} {event} 在保障期内" if covered else "",
            f"{event_label}（{event}）须在保障期（{start}至{end}）内" if covered is False else "",
            f"待确认{event_label}：须在保障期内",
        )

        amount = ZERO
        if benefit is None:
            checks.need("benefit", None, ctx.clause("flexible_payer"), "", "", "待确认申请的保障金种类")
        elif benefit == "hospital_days":
            amount = self._hospital(checks, f, ctx)
        elif outcome_word:
            amount = self._accident(checks, f, ctx, benefit, outcome_word)
        else:
            name = FIXED_AMOUNTS[benefit]
            amount = ctx.value(name)
            checks.note(f"amount.{benefit}", f"{BENEFIT_LABELS[benefit]}{yuan(amount)}", ctx.clause(name))

        deadline = None
        if benefit is not None:
            table = ctx.table("flexible_claim_deadlines")
            row = table.get(benefit)
            deadline = _claim_deadline(row, end if period_ok else None, f.accident_date)
            claim = f.claim_date
            clause = Clause(table.clause.document, table.clause.section, row["quote"])
            on_time = None if deadline is None or claim is None else claim <= deadline
            checks.need(
                "claim.deadline",
                on_time,
                clause,
                f"给付申请日期 {claim} 未超过截止日 {deadline}（{row['quote']}）" if on_time else "",
                f"给付申请已逾期，不予受理：{row['label']}须于{row['quote']}提交（截止 {deadline}），申请日期为 {claim}"
                if on_time is False
                else "",
                f"待确认给付申请日期：{row['quote']}",
            )
        channel = f.claim_channel or "union"
        checks.note("claim.channel", CLAIM_CHANNEL_NOTES[channel], ctx.clause("flexible_claim_channel"))
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.CITY_MUTUAL_AID, amount),) if amount else (),
            dates={"coverage_start": start, "coverage_end": end, "claim_deadline": deadline},
            details={
                "benefit": BENEFIT_LABELS.get(benefit, "待确认"),
                "payer": "上海市职工保障互助会（市职保会）",
                "claim_channel": channel,
            },
        )

    @staticmethod
    def _hospital(checks: Checks, f: Facts, ctx: Context) -> Decimal:
        daily, cap = ctx.value("flexible_hospital_daily"), ctx.value("flexible_hospital_cap")
        paid = ZERO if f.hospital_paid_in_period is None else money(f.hospital_paid_in_period)
        remaining = max(cap - paid, ZERO)
        if remaining == ZERO:
            checks.fail(
                "hospital.cap_reached",
                f"本保障期内已给付住院天数补助金{yuan(paid)}，已达最高给付{yuan(cap)}",
                ctx.clause("flexible_hospital_cap"),
            )
            return ZERO
        days = f.hospital_days
        if days is None:
            checks.need("hospital.days", None, ctx.clause("flexible_hospital_daily"), "", "", "待确认住院天数")
            return ZERO
        full = daily * days
        checks.note(
            "amount.hospital_days", f"住院{days}天×{yuan(daily)}＝{yuan(full)}", ctx.clause("flexible_hospital_daily")
        )
        if full <= remaining:
            return full
        checks.note(
            "amount.hospital_cap",
            f"一个保障期内最高给付{yuan(cap)}，本期已给付{yuan(paid)}，本次给付{yuan(remaining)}",
            ctx.clause("flexible_hospital_cap"),
        )
        return remaining

    @staticmethod
    def _accident(checks: Checks, f: Facts, ctx: Context, benefit: str, word: str) -> Decimal:
        limit = ctx.value("flexible_accident_days")
        accident, outcome = f.accident_date, f.outcome_date
        day = None if accident is None or outcome is None else (outcome - accident).days
        within = None if day is None else 0 <= day <= limit
        if within is False:
            unmet = (
                f"{word}日期（{outcome}）不能早于意外伤害发生日期（{accident}）"
                if day < 0
                else f"须自意外伤害发生之日起{limit}天内{word}：意外{accident}，{word}{outcome}，为第{day}天"
            )
        else:
            unmet = ""
        checks.need(
            "accident.within_180_days",
            within,
            ctx.clause("flexible_accident_days"),
            f"意外伤害发生（{accident}）后第{day}天{word}，在{limit}天内" if within else "",
            unmet,
            f"待确认意外伤害发生日期和{word}日期：须在{limit}天内",
        )
        if benefit in DISABILITY_CAPS:
            name = DISABILITY_CAPS[benefit]
            cap = ctx.value(name)
            if f.assessed_amount is None:
                checks.reviewed(
                    "amount.assessed",
                    None,
                    ctx.clause(name),
                    "",
                    "",
                    reviewer="district",
                    pending=f"待区总工会录入市职保会核定的{BENEFIT_LABELS[benefit]}金额（最高{yuan(cap)}）",
                )
                return ZERO
            assessed = money(f.assessed_amount)
            amount = min(assessed, cap)
            checks.note(
                f"amount.{benefit}", f"核定{yuan(assessed)}，最高{yuan(cap)}，给付{yuan(amount)}", ctx.clause(name)
            )
            return amount
        before = f.disability_paid_before
        checks.need(
            "accident.no_disability_paid",
            None if before is None else not before,
            ctx.clause("flexible_accident_death_amount"),
            "未领取过伤残、全残保障金",
            "已领取过伤残、全残保障金的，不再给付意外身故保障金",
        )
        amount = ctx.value("flexible_accident_death_amount")
        checks.note(
            "amount.accident_death", f"意外身故保障金{yuan(amount)}", ctx.clause("flexible_accident_death_amount")
        )
        return amount


# ---------------------------------------------------------------------------------------------
# 2021 “为灵活就业从业人员提供‘五送’等关心关爱服务”
# ---------------------------------------------------------------------------------------------

DISTRIBUTION_FORMS = (
    ("transport_card", "交通卡"),
    ("phone_card", "电话卡"),
    ("online_voucher", "网上购物平台的提货凭证"),
    ("goods", "实物"),
    ("pickup_voucher", "到指定地点领取确定物品的提货凭证"),
    ("cash", "现金"),
)
DISTRIBUTION_LABELS = dict(DISTRIBUTION_FORMS)


class FlexibleWorkerCare(Rule):
    rule_id = "flexible_worker_care"
    project = "flexible_workers"
    title = "灵活就业会员“五送”关心关爱服务"
    summary = (
        "本区快递物流、网约送餐等{flexible_care_industries:count}类灵活就业从业人员，未满{flexible_care_age_limit}周岁、"
        "自愿加入工会的：一次缴满{flexible_care_full_dues}元年度会费的，由街镇（园区、行业）工会送健康体检、"
        "清凉和温暖慰问品、安全培训等，市总工会赠送{flexible_care_full_dues_class}类专享保障；"
        "其他会员由市总工会赠送{flexible_care_other_class}类专享保障。"
    )
    applicant = "member"
    params = (
        "flexible_care_industries",
        "flexible_care_industries_to_confirm",
        "flexible_care_age_limit",
        "flexible_care_full_dues",
        "flexible_care_services",
        "flexible_care_checkup_due",
        "flexible_care_checkup_due_exceptional",
        "flexible_care_full_dues_class",
        "flexible_care_other_class",
        "flexible_care_distribution_forms",
    )
    conditions = ("flexible_care_voluntary_member", "flexible_care_coverage_terms")
    interpretations = (
        ("“未满60周岁”按申请日（application_date）的周岁计算，60周岁当日即不符合。", "flexible_care_age_limit"),
        (
            "2019年名录的“保安保洁”在2021年名录中分为“物业保安”“保洁环卫”：行业登记为“保安保洁”的，"
            "待确认具体行业（不直接拒绝）；名录外行业（“等”不自行扩展）不符合。",
            "flexible_care_industries_to_confirm",
        ),
        (
            "2021年适用对象只列两项条件（行业且未满60周岁、自愿加入工会），不再列2019年“不享受上海市职工基本医疗保险待遇”"
            "“按规定缴纳会费”两项；C、D类保障的其他条件见《灵活就业会员专享保障条款（2021版）》（文件未载明），规则不核对。",
            "flexible_care_coverage_terms",
        ),
        (
            "健康体检“原则上…每年9月底前完成，个别情况必须于12月底前完成”：体检完成期限为2021年9月30日（含当日）；"
            "填写了个别情况说明（exceptional_delay_reason）的，期限为2021年12月31日。",
            "flexible_care_checkup_due",
        ),
        (
            "120元会费的发放形式：交通卡、电话卡、网上购物平台提货凭证、实物、指定地点提货凭证均可；选择“现金”的不符合"
            "（“不可发放现金”）；不填发放形式的不影响资格。",
            "flexible_care_distribution_forms",
        ),
        (
            "本项目为服务和赠送保障，不计算金额（金额为0）；保障类别（D类或C类）列在 details。",
            "flexible_care_full_dues_class",
        ),
    )
    schema = FactsSchema(
        (
            BIRTH_DATE,
            INDUSTRY,
            Fact("joined_union_voluntarily", "bool", "自愿加入工会"),
            PAID_FULL_DUES,
            Fact("application_date", "date", "申请日期", profile="today"),
            Fact(
                "exceptional_delay_reason",
                "str",
                "体检无法于9月底前完成的个别情况说明",
                required=False,
                help="填写后适用个别情况的体检完成期限",
            ),
            Fact("distribution_form", "choice", "会费的发放形式", choices=DISTRIBUTION_FORMS, required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        code = f.flexible_industry
        name = FLEXIBLE_INDUSTRIES.get(code, code)
        industries = ctx.value("flexible_care_industries")
        clause = ctx.clause("flexible_care_industries")
        if code is not None and code in ctx.value("flexible_care_industries_to_confirm"):
            checks.need(
                "industry.listed",
                None,
                clause,
                "",
                "",
                f"待确认具体行业：2021年名录将“{name}”分为“物业保安”“保洁环卫”，请选择其中之一",
            )
        else:
            listed = None if code is None else code in industries
            checks.need(
                "industry.listed",
                listed,
                clause,
                f"从事{name}（名录内）",
                f"“{name}”不在2021年灵活就业行业名录内（{_names(industries)}）" if listed is False else "",
            )
        _under_age(
            checks,
            f.birth_date,
            f.application_date,
            ctx.value("flexible_care_age_limit"),
            ctx.clause("flexible_care_age_limit"),
            "申请日",
        )
        checks.need(
            "member.voluntary",
            f.joined_union_voluntarily,
            ctx.clause("flexible_care_voluntary_member"),
            "自愿加入工会",
            "须自愿加入工会",
        )

        paid = f.paid_full_dues_in_one_go
        full_dues = ctx.value("flexible_care_full_dues")
        details: dict[str, str] = {"coverage_provider": "市总工会"}
        checkup_due = None
        if paid is None:
            checks.need(
                "dues.full_in_one_go",
                None,
                ctx.clause("flexible_care_full_dues"),
                "",
                "",
                f"待确认是否一次性缴满{yuan(full_dues)}年度会费（决定“五送”服务或C类保障）",
            )
        elif paid:
            coverage_class = ctx.value("flexible_care_full_dues_class")
            services = ctx.value("flexible_care_services")
            checks.note(
                "services.five",
                f"一次性缴满{yuan(full_dues)}年度会费：街镇（园区、行业）工会利用项目经费提供"
                f"“五送”服务：{'、'.join(services)}",
                ctx.clause("flexible_care_services"),
            )
            checks.note(
                "coverage.class",
                f"市总工会赠送一份《灵活就业会员专享保障{coverage_class}类保障》",
                ctx.clause("flexible_care_full_dues_class"),
            )
            if f.exceptional_delay_reason:
                checkup_due = ctx.value("flexible_care_checkup_due_exceptional")
                checks.note(
                    "checkup.due",
                    f"个别情况（{f.exceptional_delay_reason}）：健康体检须于{checkup_due}前完成",
                    ctx.clause("flexible_care_checkup_due_exceptional"),
                )
            else:
                checkup_due = ctx.value("flexible_care_checkup_due")
                checks.note(
                    "checkup.due", f"健康体检原则上于{checkup_due}前完成", ctx.clause("flexible_care_checkup_due")
                )
            form = f.distribution_form
            if form is not None:
                forms = ctx.value("flexible_care_distribution_forms")
                checks.need(
                    "distribution.no_cash",
                    form in forms,
                    ctx.clause("flexible_care_distribution_forms"),
                    f"{yuan(full_dues)}会费以{DISTRIBUTION_LABELS[form]}形式发放",
                    f"不可发放现金：{yuan(full_dues)}会费可为{'、'.join(DISTRIBUTION_LABELS.get(x, x) for x in forms)}"
                    f"（所选为{DISTRIBUTION_LABELS[form]}）",
                )
                details["distribution_form"] = DISTRIBUTION_LABELS[form]
            details["coverage_class"] = coverage_class
            details["services"] = "、".join(services)
        else:
            coverage_class = ctx.value("flexible_care_other_class")
            checks.note(
                "coverage.class",
                f"其他灵活就业会员：市总工会赠送一份《灵活就业会员专享保障{coverage_class}类保障》",
                ctx.clause("flexible_care_other_class"),
            )
            details["coverage_class"] = coverage_class
        return checks.decision(self, route=Route.GROUP_ENROLMENT, dates={"checkup_due": checkup_due}, details=details)


RULES_2019 = (FlexibleWorkerCoverage, FlexibleWorkerBenefit)
RULES_2021 = (FlexibleWorkerCare,)
