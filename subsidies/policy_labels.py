"""Each policy param and table as district staff read it: a Chinese name and a unit.

The names are the data files' (subsidies/rules/data/<year>/*.toml); what a name means is the same in
every year. A name without an entry here is shown by its clause's section instead, so a new param is
never shown as a code (tests/doors/test_visible_text.py), and `tests/subsidies` asks for an entry.
Money params read in 元 without a unit here; codes inside list values are labelled by `value_label`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

# name: (label, unit for int/decimal params; "" when the value speaks for itself)
PARAMS: dict[str, tuple[str, str]] = {
    "counselling_places": ("心理咨询服务地点", ""),
    "counselling_lecture_review_chain": ("心理讲座申请的上报流程", ""),
    "caravan_services": ("“大篷车”服务内容", ""),
    "culture_class_min_working_age": ("艺术课堂、历铁人参加者最低年龄", "周岁"),
    "culture_class_org_bookings_per_year": ("艺术课堂、历铁人每家单位每年可预约次数", "次"),
    "tickets_min_working_age": ("“剧精彩”观众最低年龄", "周岁"),
    "tickets_org_bookings_per_year": ("“剧精彩”每家单位每年可预约次数", "次"),
    "flexible_industries": ("灵活就业行业名录", ""),
    "flexible_age_limit": ("灵活就业会员年龄上限（未满）", "周岁"),
    "flexible_fee": ("灵活就业会员专享保障费（每人每年）", ""),
    "flexible_coverage_years": ("灵活就业会员保障期", "年"),
    "flexible_full_dues": ("一次缴满的年度会费", ""),
    "flexible_district_subsidy_rate": ("区总工会补贴比例", "（1 = 全额）"),
    "flexible_application_cutoff_day": ("当月起保的申请截止日（此日及之后次月起保）", "日"),
    "flexible_hospital_daily": ("住院天数补助金（每天）", ""),
    "flexible_hospital_cap": ("住院补助一个保障期最高给付", ""),
    "flexible_serious_illness_amount": ("医疗互助保障金", ""),
    "flexible_accident_days": ("意外伤害后认定期限", "天"),
    "flexible_accident_disability_cap": ("意外伤残保障金最高给付", ""),
    "flexible_accident_total_disability_cap": ("意外全残保障金最高给付", ""),
    "flexible_accident_death_amount": ("意外身故保障金", ""),
    "flexible_illness_death_amount": ("疾病身故保障金", ""),
    "legal_aid_wage_multiple": ("法律援助收入上限（本市最低工资标准的倍数）", "倍"),
    "legal_aid_group_min_workers": ("群体性纠纷最少涉及职工人数", "人"),
    "legal_aid_places": ("法律援助申请地点", ""),
    "legal_aid_review_chain": ("法律援助审核流程", ""),
    "member_card_enrolment_opens": ("会员服务卡保障参保开始日", ""),
    "member_card_enrolment_closes": ("会员服务卡保障参保截止日", ""),
    "member_card_half_year_months": ("保障期“半年”的月数", "个月"),
    "member_card_city_condolence_amount": ("市总大病慰问金", ""),
    "member_card_city_condolence_diagnosed_from": ("市总大病慰问金确诊日期起", ""),
    "member_card_city_condolence_diagnosed_to": ("市总大病慰问金确诊日期止", ""),
    "member_card_city_condolence_hospitals": ("市总大病慰问金认可的确诊医院", ""),
    "member_card_district_condolence_amount": ("区总大病慰问金", ""),
    "member_card_district_condolence_diagnosed_from": ("区总大病慰问金确诊日期起", ""),
    "member_card_district_condolence_hospitals": ("区总大病慰问金认可的确诊医院", ""),
    "member_card_district_account_events": ("划入区总工会指定账户的给付事项", ""),
    "reading_demo_quota": ("区级职工书屋示范点建设名额", "个"),
    "reading_self_built_quota": ("职工书屋自建点建设名额", "个"),
    "sanatorium_resort_year": ("休疗养度假房价补贴年度", "年"),
    "resort_room_auto_approve_ceiling": ("休养度假房直接预订的金额上限（超过转区总审核）", ""),
    "health_checkup_auto_approve_ceiling": ("体检直接预订的金额上限（超过转区总审核）", ""),
    "sanitation_hospital_share_price": ("住院补充医疗互助保障每份价格", ""),
    "sanitation_accident_share_price": ("团体意外伤害互助保障每份价格", ""),
    "sanitation_shares_per_worker": ("每名环卫职工的份数", "份"),
    "sanitation_review_chain": ("环卫职工送保障审核流程", ""),
    "singles_max_age": ("嘉缘会参加者最高年龄（含）", "周岁"),
    "skill_certificate_issued_from": ("职业资格证书发证日期起", ""),
    "patent_granted_from": ("专利证书颁发日期起", ""),
    "patent_award_amount": ("专利奖励金额", ""),
    "skill_award_review_chain": ("技能奖励审核流程", ""),
    "skill_award_app_review_chain": ("技能奖励“申工社”APP个人申报审核流程", ""),
    "womens_mommy_room_built_from": ("爱心妈咪小屋建立日期起", ""),
    "womens_mommy_room_built_to": ("爱心妈咪小屋建立日期止", ""),
    "womens_mommy_room_city": ("爱心妈咪小屋市总补贴", ""),
    "womens_mommy_room_district": ("爱心妈咪小屋区总补贴", ""),
    "womens_mommy_room_newspaper": ("爱心妈咪小屋订阅《劳动报》费用", ""),
    "womens_studio_built_from": ("亲子工作室建立日期起", ""),
    "womens_studio_built_to": ("亲子工作室建立日期止", ""),
    "womens_studio_locations": ("亲子工作室可建立的场所", ""),
    "worker_school_built_from": ("职工学堂建立日期起", ""),
    "worker_school_built_to": ("职工学堂建立日期止", ""),
    "worker_school_city_cap": ("职工学堂市总建学补贴上限", ""),
    "worker_school_asset_cap": ("职工学堂固定资产购置标准上限", ""),
    "worker_school_apply_by": ("职工学堂贴补申请截止日", ""),
    "worker_school_claim_by": ("职工学堂贴补资金申领截止日", ""),
    "flexible_care_industries": ("“五送”关爱行业名录", ""),
    "flexible_care_industries_to_confirm": ("需确认具体行业的名录项", ""),
    "flexible_care_age_limit": ("“五送”关爱年龄上限（未满）", "周岁"),
    "flexible_care_full_dues": ("一次缴满的年度会费", ""),
    "flexible_care_services": ("“五送”服务内容", ""),
    "flexible_care_checkup_due": ("年度体检完成期限", ""),
    "flexible_care_checkup_due_exceptional": ("个别情况体检完成期限", ""),
    "flexible_care_full_dues_class": ("缴满会费者获赠的保障", ""),
    "flexible_care_other_class": ("其他灵活就业会员获赠的保障", ""),
    "flexible_care_distribution_forms": ("会费返还的发放形式", ""),
    "flower_expo_target_visits": ("组织参观花博会目标人次", "人次"),
    "health_points_consultation_min_half_days": ("每周坐诊最少半天数", "个半天"),
    "health_points_consultation_max_half_days": ("每周坐诊最多半天数", "个半天"),
    "health_points_patrols_per_month": ("每月巡诊次数", "次"),
    "health_points_lectures_per_year": ("每年健康讲座次数", "次"),
    "health_points_notice_min_days": ("服务公示最少提前天数", "天"),
    "health_points_notice_max_days": ("服务公示最多提前天数", "天"),
    "legal_checkup_enterprises": ("法律体检企业总数", "家"),
    "legal_checkup_min_employees": ("法律体检企业最少职工人数", "人"),
    "micro_wish_responsibilities": ("微心愿各方职责", ""),
    "sanatorium_checkup_def_opens": ("D、E、F体检计划开始日", ""),
    "sanatorium_checkup_def_closes": ("D、E、F体检计划截止日", ""),
    "sanatorium_checkup_def_district_places": ("D、E、F体检计划全区名额", "人"),
}

TABLES: dict[str, str] = {
    "culture_class_programmes": "艺术课堂、历铁人课程",
    "tickets_programmes": "“剧精彩”内容",
    "flexible_claim_deadlines": "灵活就业保障给付申请期限",
    "member_card_fees": "会员服务卡保障费用与补贴",
    "member_card_plan_benefits": "会员服务卡保障计划给付标准",
    "member_card_payout_days": "会员服务卡保障给付时限",
    "reading_room_standards": "职工书屋建设标准",
    "sanatorium_city_plans": "市总团体疗休养计划",
    "sanatorium_district_plans": "区总团体疗休养计划",
    "sanatorium_resort_rooms": "休疗养度假房价与补贴",
    "sanatorium_checkup_plans_2019": "工疗体检计划（2019）",
    "sanatorium_checkup_plans_2021": "工疗体检计划（2021）",
    "sanatorium_checkup_prices": "工疗体检计划价格",
    "sanatorium_city_sites": "市总团体疗休养地点",
    "sanatorium_district_sites": "区总团体疗休养地点",
    "sanatorium_individual_sites": "个人休养度假地点",
    "skill_promotion_amounts": "技能晋升奖励金额",
    "mentor_award_amounts": "带教奖励金额",
    "skill_award_batches": "技能奖励受理批次",
    "womens_holiday_class_grants": "寒暑假托班补贴",
    "womens_evening_class_grants": "晚托班补贴",
    "legal_checkup_phases": "法律体检工作阶段",
    "micro_wish_categories": "微心愿类别",
}

COLUMNS: dict[str, str] = {
    "programme": "项目",
    "label": "名称",
    "offerings": "开设内容",
    "source": "来源",
    "benefit": "保障项目",
    "counted_from": "起算",
    "months": "月数",
    "days": "天数",
    "quote": "原文",
    "tier": "档次",
    "plan": "计划",
    "over_half_year": "保障期超过半年",
    "fee": "保障费（元）",
    "city": "市总补贴（元）",
    "district": "区总补贴（元）",
    "unit": "单位负担（元）",
    "critical_illness_label": "重大疾病保障",
    "critical_illness": "重大疾病给付（元）",
    "accident": "意外给付（元）",
    "illness_death": "疾病身故给付（元）",
    "hospital_per_day": "住院每天（元）",
    "hospital_cap": "住院最高（元）",
    "point_type": "类型",
    "books_min": "藏书量下限（册）",
    "periodicals_min": "报刊下限（种）",
    "audio_video_min": "电子音像下限（种）",
    "site": "地点",
    "duration": "时间",
    "price": "价格（元）",
    "subsidy": "补贴（元）",
    "row": "项目",
    "resort": "休养院",
    "room_type": "房型",
    "month_from": "起始月",
    "month_to": "截止月",
    "personal": "个人实付（元）",
    "city_subsidy": "市总补贴（元）",
    "sanatorium_subsidy": "工疗补贴（元）",
    "level": "等级",
    "amount": "金额（元）",
    "batch": "批次",
    "opens": "开始",
    "closes": "截止",
    "band": "档次",
    "weeks_from": "周数起",
    "weeks_below": "周数不足",
    "children_from": "人数起",
    "children_to": "人数止",
    "phase": "阶段",
    "starts": "开始",
    "ends": "结束",
    "event": "给付事项",
    "verified": "需调查核实",
    "category": "类别",
    "description": "说明",
    "name": "名称",
    "booking": "预订方式",
    "jan_feb_only": "仅1—2月",
}

# Codes inside list values and table cells that no rule vocabulary labels.
VALUE_LABELS: dict[str, str] = {
    "grassroots": "基层工会",
    "street": "街镇工会",
    "district": "区总工会",
    "city": "市总工会",
    "unit_union": "企事业单位工会",
    "upper_union": "上级工会",
    "accident": "意外发生之日",
    "training": "培训",
    "implementation": "具体实施",
    "evaluation": "总结评估",
    "under_20": "20人以下",
    "under_4_weeks_upto_20": "4周以下·20人以下",
    "under_4_weeks_21_50": "4周以下·21—50人",
    "under_4_weeks_51_up": "4周以下·51人以上",
}
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@cache
def _rule_vocabularies() -> dict[str, str]:
    """Every code → label map of the rules package (industries, unit types, gift forms, plans…) and
    every fact's choices: the labels the rules themselves use for the codes in the data."""
    from subsidies import rules
    from subsidies.rules import registry

    found: dict[str, str] = {}
    for rule in registry.all_rules():
        for fact in rule.schema:
            for code, label in fact.choices:
                found.setdefault(code, str(label))
    for module_info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"{rules.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if not name.endswith(("LABELS", "TYPES", "INDUSTRIES", "STATUSES", "OUTCOMES")) or not isinstance(
                value, dict
            ):
                continue
            for code, label in value.items():
                if isinstance(code, str) and isinstance(label, str) and _CODE.fullmatch(code):
                    found.setdefault(code, label)
    return found


def value_label(value: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        return value
    return VALUE_LABELS.get(value) or _rule_vocabularies().get(value) or value


def param_label(name: str, fallback: str = "") -> str:
    return PARAMS[name][0] if name in PARAMS else TABLES.get(name) or fallback or name


def param_unit(name: str) -> str:
    return PARAMS.get(name, ("", ""))[1]


def column_label(column: str) -> str:
    return COLUMNS.get(column, column)


def value_text(value, kind: str = "", unit: str = "") -> str:
    """A param's value, or a table cell, as read: "2,000.00 元", "60 周岁", "是", labelled lists."""
    from datetime import date
    from decimal import Decimal

    kind = kind.rstrip("?")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(v) for v in value) or "—"
    if kind == "money":
        return f"{Decimal(str(value)):,.2f} 元"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)) or kind in ("int", "decimal"):
        return f"{value} {unit}".strip()
    return value_label(str(value))
