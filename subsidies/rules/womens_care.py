"""Women's care (2019 §8): “爱心妈咪小屋” and “亲子工作室” build grants.

Both for rooms/studios set up between 2018-09-01 and 2019-08-31. A mommy room
gets 15,340 (city 10,340 including 340 for the 2020 《劳动报》, district 5,000);
a parent-child studio gets 2–12万 by class type, children and weeks, split
50/50 between the city and district unions.
"""

from __future__ import annotations

from decimal import Decimal

from .base import Checks, Context, Rule
from .core import ZERO, Decision, Payer
from .facts import Fact, Facts, FactsSchema
from .pieces import shares, split_equally, yuan
from .vocabulary import UNIT_TYPES

PRIORITY_UNIT_TYPES = {"government", "enterprise", "institution"}  # 机关企事业单位
STUDIO_LOCATIONS = (
    ("government", "机关"),
    ("enterprise", "企业"),
    ("institution", "事业单位"),
    ("park", "园区"),
    ("development_zone", "开发区"),
    ("other", "其他"),
)
CLASS_TYPES = (("holiday", "寒暑假托班"), ("evening", "晚托班"))
CLASS_LABELS = dict(CLASS_TYPES)


def _built_in_period(checks: Checks, ctx: Context, built, prefix: str, what: str) -> None:
    built_from, built_to = ctx.value(f"{prefix}_built_from"), ctx.value(f"{prefix}_built_to")
    checks.need(
        "built.period",
        None if built is None else built_from <= built <= built_to,
        ctx.clause(f"{prefix}_built_from"),
        f"{what}建立日期 {built} 在 {built_from} 至 {built_to} 期间",
        f"须为 {built_from} 至 {built_to} 期间建立的{what}，建立日期为 {built}",
    )


class MommyRoomGrant(Rule):
    rule_id = "mommy_room_grant"
    project = "womens_care"
    title = "“爱心妈咪小屋”建屋补贴"
    summary = (
        "{womens_mommy_room_built_from}—{womens_mommy_room_built_to}新建的爱心妈咪小屋，每间补贴："
        "市总工会{womens_mommy_room_city}元（其中{womens_mommy_room_newspaper}元专用于订阅2020年全年《劳动报》），"
        "区总工会{womens_mommy_room_district}元；优先补贴机关企事业单位内新建的小屋。"
    )
    applicant = "organisation"
    params = (
        "womens_mommy_room_built_from",
        "womens_mommy_room_built_to",
        "womens_mommy_room_city",
        "womens_mommy_room_district",
        "womens_mommy_room_newspaper",
    )
    conditions = ("womens_mommy_room_priority",)
    interpretations = (
        (
            "“优先补贴机关企事业单位内新建的爱心妈咪小屋”是优先顺序，不是排除条件：其他单位新建的小屋同样可获补贴，"
            "只在说明中提示优先级。",
            "womens_mommy_room_priority",
        ),
        (
            "340元《劳动报》订阅费含在市总工会10340元之内（15340 = 10340 + 5000），不另计。",
            "womens_mommy_room_newspaper",
        ),
        ("“2018年9月1日—2019年8月31日期间”两端日期均包含。", "womens_mommy_room_built_from"),
        ("文件未规定申报期限和申报程序：规则不设申报期，只按建立日期判定。", "womens_mommy_room_built_from"),
    )
    schema = FactsSchema(
        (
            Fact("built_on", "date", "爱心妈咪小屋建立日期"),
            Fact(
                "unit_type",
                "choice",
                "小屋所在单位性质",
                required=False,
                choices=(*UNIT_TYPES.items(), ("other", "其他")),
                profile="unit_type",
                help="机关企事业单位内新建的小屋优先补贴",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        _built_in_period(checks, ctx, f.built_on, "womens_mommy_room", "爱心妈咪小屋")
        priority = ctx.clause("womens_mommy_room_priority")
        if f.unit_type in PRIORITY_UNIT_TYPES:
            checks.note("priority.unit", "机关企事业单位内新建的小屋，优先补贴", priority)
        else:
            checks.note("priority.other", "优先补贴机关企事业单位内新建的小屋；其他单位的小屋不在排除之列", priority)
        city, district = ctx.value("womens_mommy_room_city"), ctx.value("womens_mommy_room_district")
        newspaper = ctx.value("womens_mommy_room_newspaper")
        amount = city + district
        checks.note(
            "amount",
            f"每间新建小屋补贴 {yuan(amount)}：市总工会 {yuan(city)}（其中 {yuan(newspaper)} "
            f"专用于订阅2020年全年《劳动报》），区总工会 {yuan(district)}",
            ctx.clause("womens_mommy_room_city"),
        )
        return checks.decision(
            self,
            amount=amount,
            split=shares((Payer.CITY_UNION, city), (Payer.DISTRICT_UNION, district)),
            details={
                "newspaper_subscription": str(newspaper),
                "newspaper_note": f"{yuan(newspaper)}专用于为新建小屋订阅2020年全年的《劳动报》（含在市总工会补贴内）",
            },
        )


class ParentChildStudioGrant(Rule):
    rule_id = "parent_child_studio_grant"
    project = "womens_care"
    title = "“亲子工作室”补贴"
    summary = (
        "{womens_studio_built_from}—{womens_studio_built_to}建立在机关、企事业单位、园区、开发区内的亲子工作室："
        "寒暑假托班按托管时间和人数补贴{womens_holiday_class_grants:min amount wan}万—"
        "{womens_holiday_class_grants:max amount wan}万元，晚托班按人数补贴{womens_evening_class_grants:min amount wan}万或"
        "{womens_evening_class_grants:max amount wan}万元；市总、区总各承担一半。"
    )
    applicant = "organisation"
    params = ("womens_studio_built_from", "womens_studio_built_to", "womens_studio_locations")
    tables = ("womens_holiday_class_grants", "womens_evening_class_grants")
    conditions = ("womens_studio_split", "womens_studio_one_class_type")
    interpretations = (
        ("（区总工会确定）寒暑假托班表中20人属于“20人以下”档（下一档从21人开始）。", "womens_holiday_class_grants"),
        (
            "（区总工会确定）晚托班表中20人同时出现在两档，以明确的“20人及以上”为准：20人补贴12万元，"
            "“20人以下”指不足20人（19人及以下）。",
            "womens_evening_class_grants",
        ),
        (
            "寒暑假托班“4周以下”与“4周及以上”：4周整属于“4周及以上”，“4周以下”指不足4周（托管时间可填小数周）。",
            "womens_holiday_class_grants",
        ),
        (
            "文件未说明同一工作室同时开办寒暑假托班和晚托班能否同时获得两项补贴：每次判定只按一种托班类型计算，"
            "不自动合计，是否兼得由区总工会审核确定。",
            "womens_studio_one_class_type",
        ),
        (
            "“2018年9月1日—2019年8月31日期间”两端日期均包含；文件未规定申报期限，规则不设申报期。",
            "womens_studio_built_from",
        ),
        (
            "市总、区总各承担50%（按 split_equally 平分，奇数分时两者相差1分，合计恰为补贴金额；表内金额均为整万元）。",
            "womens_studio_split",
        ),
    )
    schema = FactsSchema(
        (
            Fact("built_on", "date", "亲子工作室建立日期"),
            Fact("location", "choice", "工作室所在地", choices=STUDIO_LOCATIONS),
            Fact("class_type", "choice", "托班类型", choices=CLASS_TYPES),
            Fact("children", "int", "托管人数", minimum=1, maximum=10000),
            Fact(
                "weeks",
                "decimal",
                "托管时间（周）",
                required=False,
                minimum=Decimal("0.01"),
                maximum=Decimal("53"),
                help="寒暑假托班需要；可填小数，例如3.5",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        _built_in_period(checks, ctx, f.built_on, "womens_studio", "亲子工作室")
        locations = ctx.value("womens_studio_locations")
        checks.need(
            "location",
            None if f.location is None else f.location in locations,
            ctx.clause("womens_studio_locations"),
            "建立在机关、企事业单位、园区或开发区内",
            "亲子工作室须建立在机关、企事业单位、园区、开发区内",
        )
        row = None
        children, weeks, class_type = f.children, f.weeks, f.class_type
        holiday = ctx.table("womens_holiday_class_grants")
        if class_type is None or children is None:
            checks.need("amount.band", None, holiday.clause, "", "", "待填写托班类型和托管人数，据此确定补贴档次")
        elif class_type == "holiday" and weeks is None:
            checks.need("amount.band", None, holiday.clause, "", "", "待填写寒暑假托班托管时间（周），据此确定补贴档次")
        else:
            if class_type == "holiday":
                table = holiday
                row = next(
                    (
                        r
                        for r in table.rows
                        if r["weeks_from"] <= weeks
                        and (r["weeks_below"] is None or weeks < r["weeks_below"])
                        and r["children_from"] <= children
                        and (r["children_to"] is None or children <= r["children_to"])
                    ),
                    None,
                )
                described = f"寒暑假托班托管 {weeks} 周、{children} 人"
            else:
                table = ctx.table("womens_evening_class_grants")
                row = next(
                    (
                        r
                        for r in table.rows
                        if r["children_from"] <= children and (r["children_to"] is None or children <= r["children_to"])
                    ),
                    None,
                )
                described = f"晚托班托管 {children} 人"
            if row is None:  # only if staff edit the table and leave a gap
                checks.fail("amount.band", f"{described}，不在补贴表任何一档内", table.clause)
            else:
                checks.note(
                    "amount.band", f"{described}，属“{row['label']}”档，补贴 {yuan(row['amount'])}", table.clause
                )
        amount = row["amount"] if row else ZERO
        split = split_equally(amount, (Payer.CITY_UNION, Payer.DISTRICT_UNION)) if row else ()
        if row:
            checks.note(
                "amount.split",
                f"市总工会、区总工会各承担一半：{yuan(split[0].amount)} + {yuan(split[1].amount)}",
                ctx.clause("womens_studio_split"),
            )
        return checks.decision(
            self,
            amount=amount,
            split=split,
            details={"class_type": CLASS_LABELS.get(class_type, "")} if class_type else None,
        )


RULES_2019: tuple[type[Rule], ...] = (MommyRoomGrant, ParentChildStudioGrant)
RULES_2021: tuple[type[Rule], ...] = ()
