"""Sanatorium stays, resort-room subsidies and health check-ups
(2019 §6 “职工疗休养、健康体检” with its four tables; the 2021 project of the same name).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import ZERO, Decision, Payer, Share, Window
from .data import PolicyData
from .facts import Fact, Facts, FactsSchema
from .pieces import yuan

# ----------------------------------------------------------------- vocabulary

CITY_PLANS_2019 = ("A", "B", "E", "F", "J", "K", "L", "N", "O", "P")
DISTRICT_PLANS_2019 = tuple(f"J{n}" for n in range(1, 13))
CHECKUP_PLANS = ("A", "B", "C", "D", "E", "F", "L1", "L2", "L3", "L4", "L5", "L6")

RESORTS_2019 = (("shajiabang", "沙家浜休养院"), ("xishan", "西山休养院"), ("huangshan", "黄山休养院"))
ROOM_TYPES_2019 = (("landscape", "景观标间"), ("lake", "湖景标间"), ("standard", "标间（黄山）"))
RESORT_LABELS = dict(RESORTS_2019)
ROOM_LABELS = dict(ROOM_TYPES_2019)

SITES_2021 = (
    ("shajiabang", "市总工会沙家浜休养院"),
    ("xishan", "市总工会西山休养院"),
    ("huangshan", "市总工会黄山休养院"),
    ("hangzhou_fengshan", "杭州风山工人疗养院"),
    ("yangzhou", "江苏扬州工人疗养院"),
    ("ningbo", "浙江宁波（半边山）工人疗养院"),
    ("jinhua", "浙江金华（双龙）工人疗养院"),
    ("yichun", "江西宜春工人疗养院"),
    ("wuxi", "江苏无锡工人疗养院"),
    ("zhejiang_ftu", "浙江省总工会工人疗养院"),
    ("lushan", "江西庐山工人疗养院"),
)
FOCUS_GROUPS_2021 = (
    ("model_worker", "劳模工匠"),
    ("major_project", "重大工程建设"),
    ("epidemic", "疫情防控"),
    ("aid_abroad", "对外援建援助"),
    ("public_service", "公共服务"),
    ("special_work", "特殊工种"),
    ("flexible", "灵活就业"),
    ("other", "其他一线职工"),
)
FOCUS_LABELS_2021 = dict(FOCUS_GROUPS_2021)
BOOKING_LABELS = {
    "direct": "直通预约（仅申请市总工会补贴），额满为止",
    "district_quota": "市总对全区开放名额，先到先得",
}


def _plan_choices(codes: tuple[str, ...], prefix: str = "计划") -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{prefix}{code}") for code in codes)


# ======================================================================= 2019


class SanatoriumPlan(Rule):
    """A union books a group on one of the city or district sanatorium plans."""

    rule_id = "sanatorium_plan"
    project = "sanatorium"
    title = "团体疗休养计划（2019年）"
    summary = (
        "市总团体疗休养计划A、B、E、F、J、K、L、N、O、P和区总疗休养行动计划J1—J12，"
        "按计划价格和每人补贴标准计算，补贴以外部分由个人负担。"
    )
    applicant = "organisation"
    tables = ("sanatorium_city_plans", "sanatorium_district_plans")
    conditions = ("sanatorium_plan_focus_groups", "sanatorium_plan_remainder_payer")
    interpretations = (
        (
            "文件只列价格和补贴，未载明差额由谁负担：按个人负担（个人实付 = 价格 − 补贴）处理。",
            "sanatorium_plan_remainder_payer",
        ),
        (
            "“以公共服务行业从业人员…和各类先进工作者”为重点对象（“以…为主”），不排除其他一线职工："
            "只作提示，不作拒绝条件。",
            "sanatorium_plan_focus_groups",
        ),
        (
            "市总计划（A、B、E、F、J、K、L、N、O、P）的补贴由市总工会负担，区总计划（J1—J12）的补贴由区总工会负担，按汇总表的出处区分。",
            "sanatorium_district_plans",
        ),
    )
    schema = FactsSchema(
        (
            Fact(
                "plan",
                "choice",
                "疗休养计划",
                choices=(*_plan_choices(CITY_PLANS_2019, "市总计划"), *_plan_choices(DISTRICT_PLANS_2019, "区总计划")),
            ),
            Fact("participants", "int", "参加人数", minimum=1, maximum=1000),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.note(
            "focus_groups",
            "团体疗休养面向基层、一线职工，以公共服务行业从业人员、有毒有害等特殊工种职工、"
            "灵活就业人员和各类先进工作者为主（重点对象，非限制条件）",
            ctx.clause("sanatorium_plan_focus_groups"),
        )
        row, table_name, payer = None, None, None
        if f.plan is not None:
            row = ctx.table("sanatorium_city_plans").get(f.plan)
            table_name, payer = "sanatorium_city_plans", Payer.CITY_UNION
            if row is None:
                row = ctx.table("sanatorium_district_plans").get(f.plan)
                table_name, payer = "sanatorium_district_plans", Payer.DISTRICT_UNION
        if f.plan is None:
            checks.need("plan.known", None, ctx.clause("sanatorium_city_plans"), "疗休养计划", "", "待确认疗休养计划")
        elif row is None:
            checks.fail(
                "plan.unknown",
                f"计划{f.plan}不在2019年市总或区总疗休养计划汇总表中",
                ctx.clause("sanatorium_city_plans"),
            )
        if f.participants is None:
            checks.need(
                "participants",
                None,
                ctx.clause(table_name or "sanatorium_city_plans"),
                "参加人数",
                "",
                "待确认参加人数",
            )
        if row is None or f.participants is None:
            return checks.decision(self)
        n = f.participants
        price, subsidy = row["price"], row["subsidy"]
        amount = price * n
        subsidy_total = subsidy * n
        personal = amount - subsidy_total
        source = "市总" if payer is Payer.CITY_UNION else "区总"
        checks.note(
            "amount",
            f"计划{f.plan}（{row['site']}，{row['duration']}）价格 {yuan(price)}/人 × {n}人 = {yuan(amount)}",
            ctx.clause(table_name),
        )
        checks.note(
            f"subsidy.{payer.value}",
            f"{source}补贴 {yuan(subsidy)}/人 × {n}人 = {yuan(subsidy_total)}",
            ctx.clause(table_name),
        )
        checks.note(
            "payer.personal",
            f"其余 {yuan(personal)} 由个人负担（{yuan(price - subsidy)}/人）",
            ctx.clause("sanatorium_plan_remainder_payer"),
        )
        return checks.decision(
            self,
            amount=amount,
            split=(Share(payer, subsidy_total), Share(Payer.PERSONAL, personal)),
            details={
                "plan": f.plan,
                "plan_source": "city" if payer is Payer.CITY_UNION else "district",
                "site": row["site"],
                "duration": row["duration"],
                "price_per_person": str(price),
                "subsidy_per_person": str(subsidy),
            },
        )


class ResortRoomSubsidy(Rule):
    """2019年工会会员休疗养度假房价补贴：每间每晚的特惠价、市总补贴、个人实付。"""

    rule_id = "resort_room_subsidy"
    project = "sanatorium"
    title = "工会会员休疗养度假房价补贴（2019年）"
    summary = (
        "持有效会员服务卡的会员入住沙家浜、西山、黄山休养院，按特惠价的三分之一享受市总补贴"
        "（每间每晚补贴{sanatorium_resort_rooms:min subsidy}—{sanatorium_resort_rooms:max subsidy}元，"
        "按入住月份和房型计）。"
    )
    applicant = "member"
    params = ("sanatorium_resort_year",)
    tables = ("sanatorium_resort_rooms",)
    conditions = ("sanatorium_resort_member_card", "sanatorium_resort_season")
    interpretations = (
        (
            "房价表印刷错乱：按“特惠价（沙、西）市总补贴（沙、西）个人实付（沙、西）”六列读，每行第三个数都重复了"
            "西山的特惠价，占了沙家浜补贴的位置；其余所有数字都符合“补贴 = 特惠价 ÷ 3、个人实付 = 特惠价 − 补贴”。"
            "沙家浜补贴（50、80、70、100元）按特惠价 − 个人实付复原，其中沙家浜4—12月景观标间的80元未见于印刷件。",
            "sanatorium_resort_rooms",
        ),
        (
            "按入住日期所在月份确定1—3月或4—12月价格，整次入住各晚均按该价格计算（跨3月、4月的入住不拆分）。",
            "sanatorium_resort_season",
        ),
        ("该表为“2019年”房价补贴一览表：仅适用于2019年内入住。", "sanatorium_resort_year"),
        (
            "§6未载明享受条件，按§7会员卡功能（三）“持有效工会会员服务卡的会员可享受…工会的疗休养院所…优惠服务”，"
            "须持有效会员服务卡。",
            "sanatorium_resort_member_card",
        ),
    )
    schema = FactsSchema(
        (
            Fact("has_valid_member_card", "bool", "持有有效上海工会会员服务卡", profile="has_valid_member_card"),
            Fact("resort", "choice", "休养院", choices=RESORTS_2019),
            Fact(
                "room_type",
                "choice",
                "房型",
                choices=ROOM_TYPES_2019,
                help="沙家浜、西山为景观标间或湖景标间；黄山为标间",
            ),
            Fact("check_in_date", "date", "入住日期", help="入住日期所在月份决定适用的价格档期"),
            Fact("nights", "int", "入住晚数", minimum=1, maximum=31),
            Fact("rooms", "int", "房间数", minimum=1, maximum=50),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "member_card.valid",
            f.has_valid_member_card,
            ctx.clause("sanatorium_resort_member_card"),
            "持有效工会会员服务卡，可享受工会疗休养院所优惠",
            "须持有效工会会员服务卡方可享受房价补贴",
        )
        year = ctx.value("sanatorium_resort_year")
        day = f.check_in_date
        checks.need(
            "check_in.year",
            None if day is None else day.year == year,
            ctx.clause("sanatorium_resort_year"),
            f"入住日期 {day} 在{year}年内",
            f"本表为{year}年房价补贴标准，入住日期为 {day}",
            f"待确认入住日期（本表为{year}年房价补贴标准）",
        )
        row = None
        table = ctx.table("sanatorium_resort_rooms")
        if f.resort is not None and f.room_type is not None:
            offered = False
            month = day.month if day is not None else None
            for candidate in table.rows:  # nine rows
                if candidate["resort"] == f.resort and candidate["room_type"] == f.room_type:
                    offered = True
                    if month is not None and candidate["month_from"] <= month <= candidate["month_to"]:
                        row = candidate
                        break
            checks.need(
                "room.offered",
                offered,
                ctx.clause("sanatorium_resort_rooms"),
                f"{RESORT_LABELS.get(f.resort, f.resort)}{ROOM_LABELS.get(f.room_type, f.room_type)}",
                f"{RESORT_LABELS.get(f.resort, f.resort)}没有“{ROOM_LABELS.get(f.room_type, f.room_type)}”"
                "房型的补贴标准",
            )
            if offered and day is not None and row is None:
                checks.fail("room.season", f"{day.month}月没有该房型的补贴价格", ctx.clause("sanatorium_resort_season"))
        else:
            checks.need(
                "room.offered", None, ctx.clause("sanatorium_resort_rooms"), "休养院和房型", "", "待确认休养院和房型"
            )
        if f.nights is None or f.rooms is None:
            checks.need(
                "room_nights",
                None,
                ctx.clause("sanatorium_resort_rooms"),
                "房间数和入住晚数",
                "",
                "待确认房间数和入住晚数",
            )
        if row is None or f.nights is None or f.rooms is None:
            return checks.decision(self)
        room_nights = f.nights * f.rooms
        price, subsidy = row["price"], row["subsidy"]
        amount = price * room_nights
        subsidy_total = subsidy * room_nights
        season = f"{row['month_from']}—{row['month_to']}月"
        checks.note("season", f"入住日期 {day}：按{season}价格", ctx.clause("sanatorium_resort_season"))
        checks.note(
            "amount",
            f"特惠价 {yuan(price)}/间/晚 × {f.rooms}间 × {f.nights}晚 = {yuan(amount)}",
            ctx.clause("sanatorium_resort_rooms"),
        )
        checks.note(
            "subsidy.city_union",
            f"市总补贴 {yuan(subsidy)}/间/晚 × {room_nights}间夜 = {yuan(subsidy_total)}；"
            f"个人实付 {yuan(amount - subsidy_total)}",
            ctx.clause("sanatorium_resort_rooms"),
        )
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.CITY_UNION, subsidy_total), Share(Payer.PERSONAL, amount - subsidy_total)),
            details={
                "season": season,
                "price_per_room_night": str(price),
                "subsidy_per_room_night": str(subsidy),
                "room_nights": str(room_nights),
            },
        )


class HealthCheckup2019(Rule):
    """体检计划汇总表(2019年)：价格、市总补贴、工疗补贴（D、E、F）、实付。"""

    rule_id = "health_checkup"
    project = "sanatorium"
    title = "职工健康体检计划（2019年）"
    district_places_param: str | None = None  # 2019: no district-wide first-come places

    def district_quota_plans(self, data: PolicyData) -> tuple[str, ...]:
        return ()

    summary = (
        "体检计划A—F（上海市工人疗养院）和L1—L6：市总补贴，D、E、F另有工疗补贴，其余个人实付；"
        "例如A计划{sanatorium_checkup_plans_2019[A][price]}元/人，市总补贴{sanatorium_checkup_plans_2019[A][city_subsidy]}元，"
        "个人实付{sanatorium_checkup_plans_2019[A][personal]}元。"
    )
    applicant = "organisation"
    tables = ("sanatorium_checkup_plans_2019",)
    conditions = ("sanatorium_checkup_focus_groups_2019",)
    interpretations = (
        (
            "“以本区已建会非公企业职工和农民工、灵活就业人员”为重点对象：只作提示，不作拒绝条件。",
            "sanatorium_checkup_focus_groups_2019",
        ),
        (
            "个人实付按“价格 − 市总补贴 − 工疗补贴”计算；汇总表各行均与印刷的“实付”一致（由测试核对）。",
            "sanatorium_checkup_plans_2019",
        ),
    )
    schema = FactsSchema(
        (
            Fact("plan", "choice", "体检计划", choices=_plan_choices(CHECKUP_PLANS)),
            Fact("persons", "int", "体检人数", minimum=1, maximum=500),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.note(
            "focus_groups",
            "体检面向基层、一线职工，以本区已建会非公企业职工和农民工、灵活就业人员为主（重点对象，非限制条件）",
            ctx.clause("sanatorium_checkup_focus_groups_2019"),
        )
        clause = ctx.clause("sanatorium_checkup_plans_2019")
        row = ctx.table("sanatorium_checkup_plans_2019").get(f.plan) if f.plan is not None else None
        checks.need(
            "plan.known",
            None if f.plan is None else row is not None,
            clause,
            f"体检计划{f.plan}",
            f"体检计划{f.plan}不在2019年体检计划汇总表中",
            "待确认体检计划",
        )
        checks.need(
            "persons", None if f.persons is None else True, clause, f"体检人数 {f.persons}人", "", "待确认体检人数"
        )
        if row is None or f.persons is None:
            return checks.decision(self)
        n = f.persons
        price, city = row["price"], row["city_subsidy"]
        sanatorium = row["sanatorium_subsidy"] or ZERO
        amount = price * n
        city_total, sanatorium_total = city * n, sanatorium * n
        personal_total = amount - city_total - sanatorium_total
        checks.note("amount", f"体检计划{f.plan}价格 {yuan(price)}/人 × {n}人 = {yuan(amount)}", clause)
        checks.note("subsidy.city_union", f"市总补贴 {yuan(city)}/人，合计 {yuan(city_total)}", clause)
        if sanatorium:
            checks.note("subsidy.sanatorium", f"工疗补贴 {yuan(sanatorium)}/人，合计 {yuan(sanatorium_total)}", clause)
        checks.note(
            "payer.personal", f"个人实付 {yuan(price - city - sanatorium)}/人，合计 {yuan(personal_total)}", clause
        )
        return checks.decision(
            self,
            amount=amount,
            split=(
                Share(Payer.CITY_UNION, city_total),
                Share(Payer.SANATORIUM, sanatorium_total),
                Share(Payer.PERSONAL, personal_total),
            ),
            details={"plan": f.plan, "price_per_person": str(price)},
        )


# ======================================================================= 2021


class SanatoriumGroup2021(Rule):
    """2021: group sanatorium stays (city and district sites) and individual resort holidays (card holders)."""

    rule_id = "sanatorium_group"
    project = "sanatorium"
    title = "职工疗休养（2021年）"
    summary = (
        "市总、区总团体疗休养点和持卡会员个人休养度假；重点聚焦劳模工匠、重大工程建设、疫情防控等一线职工，"
        "同一对象原则上不重复安排，休养期间不得安排收费旅游景点活动。2021年文件未载明价格和补贴标准。"
    )
    applicant = "organisation"
    tables = ("sanatorium_city_sites", "sanatorium_district_sites", "sanatorium_individual_sites")
    conditions = (
        "sanatorium_group_focus_groups",
        "sanatorium_group_no_repeat",
        "sanatorium_individual_member_card",
        "sanatorium_group_no_paid_attractions",
        "sanatorium_group_content",
        "sanatorium_2021_no_prices",
    )
    interpretations = (
        (
            "“同一对象原则上不重复安排”：曾参加过团体疗休养的职工不予安排，但经批准的例外（exception_approved）可以安排。",
            "sanatorium_group_no_repeat",
        ),
        (
            "重点聚焦的职工群体只作提示，不作拒绝条件（“面向基层，面向一线职工，重点聚焦…”）。",
            "sanatorium_group_focus_groups",
        ),
        (
            "“不重复安排”和“不得安排收费旅游景点”针对工会组织的团体疗休养；个人休养度假只审核持卡会员资格和地点。",
            "sanatorium_group_no_paid_attractions",
        ),
        (
            "区总地点“江苏扬州、浙江宁波、浙江金华、江西宜春工人疗养院”与市总地点中的同名疗养院视为同一地点"
            "（宁波即半边山、金华即双龙）；团体疗休养须在所选（市总或区总）名单内。",
            "sanatorium_district_sites",
        ),
        ("2021年文件未载明疗休养价格和补贴：金额为0，不沿用2019年价格。", "sanatorium_2021_no_prices"),
    )
    schema = FactsSchema(
        (
            Fact("kind", "choice", "疗休养方式", choices=(("group", "团体疗休养"), ("individual", "个人休养度假"))),
            Fact(
                "organiser",
                "choice",
                "团体疗休养计划",
                required=False,
                choices=(("city", "市总团体疗休养"), ("district", "区总团体疗休养")),
                help="团体疗休养需要",
            ),
            Fact("site", "choice", "休养地点", choices=SITES_2021),
            Fact("focus_group", "choice", "职工群体", required=False, choices=FOCUS_GROUPS_2021),
            Fact("attended_before", "bool", "该职工曾参加过团体疗休养", required=False, help="团体疗休养需要"),
            Fact("exception_approved", "bool", "重复安排已获批准（例外）", required=False),
            Fact(
                "itinerary_has_paid_attractions",
                "bool",
                "行程含收费旅游景点活动",
                required=False,
                help="团体疗休养需要",
            ),
            Fact(
                "has_valid_member_card",
                "bool",
                "持有有效上海工会会员服务卡",
                required=False,
                profile="has_valid_member_card",
                help="个人休养度假需要",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        details: dict[str, str] = {}
        if f.kind is None:
            checks.need(
                "kind", None, ctx.clause("sanatorium_city_sites"), "疗休养方式", "", "待确认疗休养方式（团体或个人）"
            )
        elif f.kind == "individual":
            self._individual(checks, f, ctx)
        else:
            self._group(checks, f, ctx, details)
        checks.note(
            "amount.not_stated",
            "2021年文件未载明疗休养价格和补贴标准，暂不计算金额",
            ctx.clause("sanatorium_2021_no_prices"),
        )
        if f.kind:
            details["kind"] = f.kind
        return checks.decision(self, details=details)

    def _site(self, checks: Checks, f: Facts, ctx: Context, table_name: str, label: str) -> None:
        table = ctx.table(table_name)
        if f.site is None:
            checks.need("site", None, table.clause, "休养地点", "", f"待确认休养地点（{label}）")
            return
        row = table.get(f.site)
        names = "、".join(r["name"] for r in table.rows)
        checks.need(
            "site",
            row is not None,
            table.clause,
            f"{label}：{row['name'] if row else ''}",
            f"所选地点不在{label}名单内（{names}）",
        )

    def _individual(self, checks: Checks, f: Facts, ctx: Context) -> None:
        checks.need(
            "member_card.valid",
            f.has_valid_member_card,
            ctx.clause("sanatorium_individual_member_card"),
            "持有效上海工会会员服务卡（持卡会员）",
            "个人休养度假仅面向持有效上海工会会员服务卡的工会会员",
            "待确认是否持有效上海工会会员服务卡",
        )
        self._site(checks, f, ctx, "sanatorium_individual_sites", "个人休养度假地点")

    def _group(self, checks: Checks, f: Facts, ctx: Context, details: dict[str, str]) -> None:
        focus = ctx.clause("sanatorium_group_focus_groups")
        if f.focus_group and f.focus_group != "other":
            checks.note("focus_group", f"重点聚焦群体：{FOCUS_LABELS_2021[f.focus_group]}", focus)
        else:
            checks.note(
                "focus_group",
                "面向基层、一线职工；重点聚焦劳模工匠、重大工程建设、疫情防控、对外援建援助、"
                "公共服务、特殊工种和灵活就业等群体（非限制条件）",
                focus,
            )
        if f.organiser is None:
            checks.need(
                "organiser",
                None,
                ctx.clause("sanatorium_city_sites"),
                "团体疗休养计划",
                "",
                "待确认为市总或区总团体疗休养",
            )
        elif f.organiser == "city":
            self._site(checks, f, ctx, "sanatorium_city_sites", "市总团体疗休养地点")
        else:
            self._site(checks, f, ctx, "sanatorium_district_sites", "区总团体疗休养地点")
        if f.organiser:
            details["organiser"] = f.organiser
        repeat = ctx.clause("sanatorium_group_no_repeat")
        if f.attended_before is None:
            checks.need("repeat", None, repeat, "", "", "待确认该职工是否曾参加过团体疗休养")
        elif not f.attended_before:
            checks.note("repeat", "该职工此前未参加过团体疗休养", repeat)
        elif f.exception_approved:
            checks.note("repeat.exception", "该职工曾参加过疗休养；“原则上不重复安排”，本次重复安排已获批准", repeat)
        else:
            checks.fail("repeat", "同一对象原则上不重复安排：该职工曾参加过团体疗休养，且未获例外批准", repeat)
        checks.need(
            "itinerary.paid_attractions",
            None if f.itinerary_has_paid_attractions is None else not f.itinerary_has_paid_attractions,
            ctx.clause("sanatorium_group_no_paid_attractions"),
            "行程不含收费旅游景点活动",
            "休养期间不得安排收费旅游景点的相关活动",
            "待确认行程是否含收费旅游景点活动",
        )


class HealthCheckup2021(Rule):
    """2021: check-up plans A–F at the city workers' sanatorium and L1–L6 on its mobile van."""

    rule_id = "health_checkup"
    project = "sanatorium"
    title = "职工健康体检（2021年）"
    district_places_param: str | None = "sanatorium_checkup_def_district_places"
    summary = (
        "上海市工人疗养院体检计划A—F、流动体检车L1—L6；A、B、C、L1—L6直通预约（仅申请市总补贴），额满为止；"
        "D、E、F仅在{sanatorium_checkup_def_opens:m}—{sanatorium_checkup_def_closes:m}月开展，"
        "市总对全区开放{sanatorium_checkup_def_district_places}人名额，先到先得。2021年文件未载明价格。"
    )
    applicant = "member"
    params = ("sanatorium_checkup_def_opens", "sanatorium_checkup_def_closes", "sanatorium_checkup_def_district_places")
    tables = ("sanatorium_checkup_plans_2021",)
    conditions = (
        "sanatorium_checkup_direct_booking",
        "sanatorium_checkup_sites",
        "sanatorium_checkup_focus_groups_2021",
        "sanatorium_checkup_no_prices",
    )
    interpretations = (
        (
            "“D、E、F计划仅在1-2月开展”：指2021年1月1日至2月28日（两端含），按体检日期判断；1月1日以前为未开放，"
            "2月28日以后为已结束。",
            "sanatorium_checkup_def_opens",
        ),
        (
            "6000人名额为全区D、E、F计划合计名额；已预约人数达到6000人即“名额已满”。",
            "sanatorium_checkup_def_district_places",
        ),
        ("2021年文件未载明各体检计划价格和补贴：金额为0，不沿用2019年价格。", "sanatorium_checkup_no_prices"),
        ("重点倾斜的对象群体只作提示，不作拒绝条件。", "sanatorium_checkup_focus_groups_2021"),
    )
    schema = FactsSchema(
        (
            Fact("plan", "choice", "体检计划", choices=_plan_choices(CHECKUP_PLANS)),
            Fact("checkup_date", "date", "体检日期", help="D、E、F计划仅在开展期内体检"),
            Fact(
                "district_places_taken",
                "int",
                "全区D、E、F计划已预约人数",
                source="record",
                required=False,
                minimum=0,
                maximum=10000000,
                help="D、E、F计划：市总对全区开放的名额，先到先得",
            ),
            Fact("plan_full", "bool", "该计划预约已满", source="record", required=False, help="直通预约计划：额满为止"),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.note(
            "focus_groups",
            "体检面向基层、一线职工，重点向劳模先进、公共服务行业、有毒有害、灵活就业以及"
            "非公企业职工倾斜（非限制条件）",
            ctx.clause("sanatorium_checkup_focus_groups_2021"),
        )
        table = ctx.table("sanatorium_checkup_plans_2021")
        row = table.get(f.plan) if f.plan is not None else None
        checks.need(
            "plan.known",
            None if f.plan is None else row is not None,
            table.clause,
            f"体检计划{f.plan}（{row['site'] if row else ''}）",
            f"体检计划{f.plan}不在2021年体检计划中",
            "待确认体检计划",
        )
        window: Window | None = None
        details: dict[str, str] = {}
        if row is not None:
            details = {
                "plan": f.plan,
                "site": row["site"],
                "booking": row["booking"],
                "booking_label": BOOKING_LABELS.get(row["booking"], row["booking"]),
            }
            if row["jan_feb_only"]:
                window = Window(
                    ctx.value("sanatorium_checkup_def_opens"),
                    ctx.value("sanatorium_checkup_def_closes"),
                    "D、E、F计划开展期",
                )
                checks.window(window, f.checkup_date, ctx.clause("sanatorium_checkup_def_opens"))
            if row["booking"] == "district_quota":
                self._quota(checks, f, ctx, details)
            else:
                direct = ctx.clause("sanatorium_checkup_direct_booking")
                checks.note("booking.direct", "直通预约（仅申请市总工会补贴），额满为止", direct)
                if f.plan_full:
                    checks.fail("quota.full", f"体检计划{f.plan}预约已满（额满为止）", direct)
        checks.note(
            "amount.not_stated",
            "2021年文件未载明体检计划价格和补贴标准，暂不计算金额",
            ctx.clause("sanatorium_checkup_no_prices"),
        )
        return checks.decision(
            self,
            window=window,
            dates={"window_opens": window.opens, "window_closes": window.closes} if window else None,
            details=details,
        )

    def district_quota_plans(self, data: PolicyData) -> tuple[str, ...]:
        """The plans booked against the district-wide first-come places: the rows of the plans table
        whose booking is district_quota (D, E, F in 2021), read from `data` (the year's current data)."""
        table = data.table("sanatorium_checkup_plans_2021")
        return tuple(row["plan"] for row in table.rows if row["booking"] == "district_quota")

    def _quota(self, checks: Checks, f: Facts, ctx: Context, details: dict[str, str]) -> None:
        places = ctx.value("sanatorium_checkup_def_district_places")
        clause = ctx.clause("sanatorium_checkup_def_district_places")
        details["district_places"] = str(places)
        taken = f.district_places_taken
        if taken is None:
            checks.note("quota.district", f"市总对全区开放{places}人名额，先到先得", clause)
        elif taken >= places:
            checks.fail("quota.full", f"全区{places}人名额已满（已预约{taken}人）", clause)
        else:
            details["district_places_left"] = str(places - taken)
            checks.note("quota.district", f"全区{places}人名额，已预约{taken}人，尚余{places - taken}人", clause)


RULES_2019: tuple[type[Rule], ...] = (SanatoriumPlan, ResortRoomSubsidy, HealthCheckup2019)
RULES_2021: tuple[type[Rule], ...] = (SanatoriumGroup2021, HealthCheckup2021)
