"""Counselling (2019 §10), the caravan (2019 §11), art and fitness classes (2019 §13) and
film and drama tickets (2019 §14): free services booked by workers or their organisations.

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import Decision, Route
from .facts import Fact, Facts, FactsSchema
from .pieces import age_on
from .vocabulary import UNIT_TYPES

# “企事业单位” = 企业 + 事业单位.
ENTERPRISE_OR_INSTITUTION = frozenset({"enterprise", "institution"})
UNIT_TYPE_CHOICES = tuple(UNIT_TYPES.items())

UNIT_IN_DISTRICT = Fact("unit_in_district", "bool", "所在单位位于本区", source="record")
UNIT_TYPE = Fact("unit_type", "choice", "单位性质", choices=UNIT_TYPE_CHOICES, profile="unit_type")
UNIT_UNION = Fact("unit_union_established", "bool", "单位已建立工会组织", profile="unit_union_established")

UNIT_TYPE_INTERPRETATION = (
    "“企事业单位”指企业和事业单位：机关、社会组织不在文件所列服务对象之列。",
    "counselling_target",
)


def _unit_conditions(checks: Checks, f: Facts, clause, who: str = "所在单位") -> None:
    """本区建立工会组织的企事业单位."""
    checks.need("unit.in_district", f.unit_in_district, clause, f"{who}位于本区", f"{who}须位于本区（嘉定区）")
    kind = f.unit_type
    label = UNIT_TYPES.get(kind, "")
    checks.need(
        "unit.type",
        None if kind is None else kind in ENTERPRISE_OR_INSTITUTION,
        clause,
        f"{who}为{label}（企事业单位）",
        f"{who}须为企业或事业单位，实际为{label}",
    )
    checks.need("unit.union", f.unit_union_established, clause, f"{who}已建立工会组织", f"{who}须已建立工会组织")


# ---- §10 counselling ---------------------------------------------------------------

BOOKING_CHANNELS = (("hotline", "拨打嘉定工会心理服务热线"), ("wechat", "“嘉定工会”公众微信号"))
BOOKING_CHANNEL_LABELS = dict(BOOKING_CHANNELS)


class CounsellingAppointment(Rule):
    rule_id = "counselling_appointment"
    project = "counselling"
    title = "职工个案心理咨询预约"
    summary = (
        "本区建会企事业单位的在职职工，可通过心理服务热线或“嘉定工会”公众微信号预约个案心理咨询，个人信息严格保密。"
    )
    applicant = "member"
    params = ("counselling_places",)
    conditions = (
        "counselling_target",
        "counselling_content",
        "counselling_team",
        "counselling_booking",
        "counselling_confidential",
    )
    interpretations = (
        UNIT_TYPE_INTERPRETATION,
        (
            "“在职职工”：已退休人员不在服务对象之列；文件不要求本人为工会会员（只要求单位已建立工会组织）。",
            "counselling_target",
        ),
        ("文件未载明收费：本规则不计算金额（0元），并在理由中说明文件未载明。", "counselling_content"),
    )
    schema = FactsSchema(
        (
            UNIT_IN_DISTRICT,
            UNIT_TYPE,
            UNIT_UNION,
            Fact("in_service", "bool", "在职职工（未退休）"),
            Fact("channel", "choice", "预约方式", choices=BOOKING_CHANNELS, required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        target = ctx.clause("counselling_target")
        _unit_conditions(checks, f, target)
        checks.need("in_service", f.in_service, target, "在职职工", "须为在职职工（退休人员不在服务对象之列）")
        channel = BOOKING_CHANNEL_LABELS.get(f.channel, "心理服务热线或“嘉定工会”公众微信号")
        checks.note("booking", f"通过{channel}预约个案心理咨询", ctx.clause("counselling_booking"))
        checks.note("confidential", "职工个人信息严格保密", ctx.clause("counselling_confidential"))
        checks.note(
            "cost.not_stated",
            "个案心理咨询由精神科医生、心理咨询师和社工团队提供；文件未载明收费标准",
            ctx.clause("counselling_content"),
        )
        return checks.decision(
            self,
            details={
                "channel": channel,
                "confidential": "对职工的个人信息严格保密",
                "places": "、".join(ctx.value("counselling_places")),
                "team": "上海市心理康复协会和嘉定区精神卫生中心组成的精神科医生、心理咨询师和社工团队",
            },
        )


class CounsellingLecture(Rule):
    rule_id = "counselling_lecture"
    project = "counselling"
    title = "心理健康讲座申请"
    summary = "企事业单位工会填写课程申请表向上级工会申请，上级工会向区总工会汇总上报，区总工会统一安排讲座课程。"
    applicant = "organisation"
    params = ("counselling_lecture_review_chain", "counselling_places")
    conditions = ("counselling_target", "counselling_lecture", "counselling_content")
    interpretations = (
        UNIT_TYPE_INTERPRETATION,
        ("讲座场次、时间由区总工会统一安排，文件未载明名额或次数上限：本规则不设数量限制。", "counselling_lecture"),
    )
    schema = FactsSchema(
        (
            UNIT_IN_DISTRICT,
            UNIT_TYPE,
            UNIT_UNION,
            Fact("course_form_completed", "bool", "已填写课程申请表"),
            Fact(
                "applied_to_upper_union",
                "bool",
                "已向上级工会提出申请",
                required=False,
                help="由上级工会向区总工会汇总上报",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        _unit_conditions(checks, f, ctx.clause("counselling_target"), "申请单位")
        lecture = ctx.clause("counselling_lecture")
        checks.need("lecture.form", f.course_form_completed, lecture, "已填写课程申请表", "须填写课程申请表")
        if f.applied_to_upper_union is False:
            checks.fail("lecture.upper_union", "须向上级工会提出申请，由上级工会向区总工会汇总上报", lecture)
        chain = ctx.value("counselling_lecture_review_chain")
        checks.note(
            "lecture.chain",
            "单位工会→上级工会汇总上报→区总工会统一安排讲座课程",
            ctx.clause("counselling_lecture_review_chain"),
        )
        checks.note("cost.not_stated", "心理健康讲座；文件未载明收费标准", ctx.clause("counselling_content"))
        return checks.decision(
            self,
            route=Route.UNIT,
            details={
                "review_chain": "→".join(chain),
                "scheduling": "区总工会统一安排具体讲座课程",
            },
        )


# ---- §11 caravan ---------------------------------------------------------------------

HOST_KINDS = (("unit", "企事业单位"), ("park", "园区"), ("building", "楼宇"))
HOST_LABELS = dict(HOST_KINDS)


class CaravanVisit(Rule):
    rule_id = "caravan_visit"
    project = "caravan"
    title = "“大篷车”进单位、园区、楼宇"
    summary = "区总工会把“大篷车”开进本区建会企事业单位、园区和楼宇，现场提供法律、心理、职业指导、健康咨询和理发、手机维修等服务。"
    applicant = "organisation"
    params = ("caravan_services",)
    conditions = ("caravan_target", "caravan_hosts")
    interpretations = (
        ("“企事业单位”指企业和事业单位：机关、社会组织不在文件所列服务对象之列。", "caravan_target"),
        ("园区、楼宇作为服务地点时，须有本区建立工会组织的企事业单位（服务对象为这些单位的职工）。", "caravan_target"),
        ("文件未载明申请方式、频次和排期：本规则只判断服务对象和地点，由区总工会安排。", "caravan_hosts"),
    )
    schema = FactsSchema(
        (
            Fact("host_kind", "choice", "服务地点类型", choices=HOST_KINDS),
            Fact("host_in_district", "bool", "服务地点位于本区"),
            Fact(
                "unit_type",
                "choice",
                "单位性质",
                choices=UNIT_TYPE_CHOICES,
                required=False,
                profile="unit_type",
                help="服务地点为单位时需要",
            ),
            Fact(
                "unit_union_established",
                "bool",
                "单位已建立工会组织",
                required=False,
                profile="unit_union_established",
                help="服务地点为单位时需要",
            ),
            Fact(
                "has_unionised_units",
                "bool",
                "园区/楼宇内有已建立工会组织的企事业单位",
                required=False,
                help="服务地点为园区或楼宇时需要",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        target, hosts = ctx.clause("caravan_target"), ctx.clause("caravan_hosts")
        kind = f.host_kind
        checks.need(
            "host.kind",
            None if kind is None else True,
            hosts,
            f"服务地点：本区{HOST_LABELS.get(kind, '')}",
            "",
            "待确认服务地点类型（企事业单位、园区或楼宇）",
        )
        checks.need(
            "host.in_district",
            f.host_in_district,
            hosts,
            "服务地点位于本区",
            "“大篷车”只开进本区企事业单位、园区、楼宇",
        )
        if kind == "unit":
            unit_type = f.unit_type
            label = UNIT_TYPES.get(unit_type, "")
            checks.need(
                "unit.type",
                None if unit_type is None else unit_type in ENTERPRISE_OR_INSTITUTION,
                target,
                f"单位为{label}（企事业单位）",
                f"服务对象为企事业单位职工，单位性质为{label}",
            )
            checks.need("unit.union", f.unit_union_established, target, "单位已建立工会组织", "单位须已建立工会组织")
        elif kind in ("park", "building"):
            checks.need(
                "host.unionised_units",
                f.has_unionised_units,
                target,
                "园区/楼宇内有已建立工会组织的企事业单位",
                "服务对象为本区建立工会组织的企事业单位职工：园区/楼宇内须有已建会单位",
            )
        services = ctx.value("caravan_services")
        checks.note("services", "现场服务：" + "；".join(services), ctx.clause("caravan_services"))
        checks.note("schedule.not_stated", "文件未载明申请方式、频次和排期，由区总工会安排", hosts)
        return checks.decision(
            self,
            details={
                "services": "；".join(services),
                "free": "帐篷及理发、手机维修、配钥匙等服务免费；会员服务卡团购商户为优惠服务",
            },
        )


# ---- §13 classes and §14 tickets ----------------------------------------------------

BOOKERS = (("individual", "职工个人"), ("organisation", "企事业单位或工会组织"))
ORGANISATION_KINDS = (("enterprise", "企业"), ("institution", "事业单位"), ("union", "工会组织"), ("other", "其他机构"))
BOOKER_LABELS = dict(BOOKERS)
ORGANISATION_LABELS = dict(ORGANISATION_KINDS)
WORKING_AGE_INTERPRETATION = "“所有职龄人口”：区总确定职龄自16周岁起（劳动法规定的最低就业年龄，当日满16周岁即可），不设年龄上限（退休年龄各不相同）。"


class _FreeBooking(Rule):
    """Free booking: individuals via the WeChat account; an organisation once a year with a form."""

    applicant = "member"
    prefix: str  # data names: <prefix>_free, _min_working_age, _individual, _organisation, _org_bookings_per_year
    thing: str  # 课程 / 电影、话剧
    programme_table: str

    _names: tuple[str, str, str, str, str]  # free, min_working_age, individual, organisation, org_bookings_per_year

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        p = cls.prefix
        cls._names = (
            f"{p}_free",
            f"{p}_min_working_age",
            f"{p}_individual",
            f"{p}_organisation",
            f"{p}_org_bookings_per_year",
        )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        free, min_age_name, individual, organisation_name, per_year_name = self._names
        booker = f.booker
        checks.need(
            "booker",
            None if booker is None else True,
            ctx.clause(free),
            f"预约人：{BOOKER_LABELS.get(booker, '')}",
            "",
            "待选择以个人或单位/工会组织名义预约",
        )
        details: dict[str, str] = {}
        if booker == "individual":
            min_age = ctx.value(min_age_name)
            age = None if f.birth_date is None or f.booking_date is None else age_on(f.birth_date, f.booking_date)
            checks.need(
                "age.under_16",
                None if age is None else age >= min_age,
                ctx.clause(min_age_name),
                f"预约日为{age}周岁，属职龄人口（{min_age}周岁以上）",
                f"服务对象为职龄人口（{min_age}周岁以上），预约日为{age}周岁",
                f"待确认年龄：服务对象为职龄人口（{min_age}周岁以上）",
            )
            checks.note("individual", f"通过嘉定工会公众微信号预约免费{self.thing}", ctx.clause(individual))
            details["channel"] = "嘉定工会公众微信号"
        elif booker == "organisation":
            organisation = ctx.clause(organisation_name)
            kind = f.organisation_kind
            checks.need(
                "organisation.kind",
                None if kind is None else kind != "other",
                organisation,
                f"预约单位为{ORGANISATION_LABELS.get(kind, '')}",
                "单位预约限企事业单位或工会组织",
                "待确认预约单位性质（企事业单位或工会组织）",
            )
            checks.need("organisation.form", f.form_completed, organisation, "已填写申请表", "单位预约须填写申请表")
            per_year = ctx.value(per_year_name)
            taken = f.organisation_bookings_this_year
            year = f"{f.booking_date.year}年" if f.booking_date else "本年度"
            checks.need(
                "organisation.yearly_limit",
                None if taken is None else taken < per_year,
                ctx.clause(per_year_name),
                f"{year}已预约{taken}次，每家企事业单位或工会组织每年可预约{per_year}次",
                f"每家企事业单位或工会组织每年可预约{per_year}次，{year}已预约{taken}次",
                f"待确认{year}已预约次数：每年可预约{per_year}次",
            )
            details.update(channel="嘉定工会公众微信号（填写申请表）", booking_year=year)
        checks.note("free", f"免费{self.thing}", ctx.clause(free))
        row = ctx.table(self.programme_table).get(f.programme) if f.programme else None
        if row:
            details["programme"] = row["label"]
            if "offerings" in row:
                details["offerings"] = "、".join(row["offerings"])
            if "source" in row:
                details["source"] = row["source"]
        return checks.decision(self, route=Route.UNIT if booker == "organisation" else None, details=details)


def _booking_schema(programmes: tuple[tuple[str, str], ...]) -> FactsSchema:
    return FactsSchema(
        (
            Fact("booker", "choice", "预约人", choices=BOOKERS),
            Fact("booking_date", "date", "预约日期", profile="today"),
            Fact("birth_date", "date", "出生日期", required=False, profile="birth_date", help="个人预约需要"),
            Fact(
                "organisation_kind",
                "choice",
                "预约单位性质",
                choices=ORGANISATION_KINDS,
                required=False,
                help="单位预约需要",
            ),
            Fact("form_completed", "bool", "已填写申请表", required=False, help="单位预约需要"),
            Fact(
                "organisation_bookings_this_year",
                "int",
                "本单位本年度（自然年）已预约次数",
                source="record",
                required=False,
                minimum=0,
                maximum=366,
                help="单位预约需要",
            ),
            Fact("programme", "choice", "项目", choices=programmes, required=False),
        )
    )


def _booking_interpretations(prefix: str) -> tuple[tuple[str, str], ...]:
    return (
        (WORKING_AGE_INTERPRETATION, f"{prefix}_min_working_age"),
        (
            "“每年可预约一次”按预约日期所在自然年计算：本年度已预约1次的单位不能再预约。",
            f"{prefix}_org_bookings_per_year",
        ),
        ("单位预约限企事业单位或工会组织（机关、社会组织可由其工会组织预约）。", f"{prefix}_organisation"),
    )


class CultureClassBooking(_FreeBooking):
    rule_id = "culture_class_booking"
    project = "culture_classes"
    title = "“艺术课堂、历铁人”课程预约"
    summary = (
        "免费的艺术课程和健身培训：职工个人通过嘉定工会公众微信号预约；企事业单位或工会组织填写申请表预约，每年一次。"
    )
    prefix = "culture_class"
    thing = "课程"
    programme_table = "culture_class_programmes"
    params = ("culture_class_min_working_age", "culture_class_org_bookings_per_year")
    conditions = ("culture_class_free", "culture_class_individual", "culture_class_organisation")
    tables = ("culture_class_programmes",)
    interpretations = _booking_interpretations("culture_class")
    schema = _booking_schema((("art_class", "艺术课堂"), ("iron_man", "历铁人")))


class TicketBooking(_FreeBooking):
    rule_id = "ticket_booking"
    project = "tickets"
    title = "“剧精彩”电影、话剧预约"
    summary = "免费的电影和话剧：职工个人通过嘉定工会公众微信号抢票；企事业单位或工会组织填写申请表预约，每年一次。"
    prefix = "tickets"
    thing = "电影、话剧"
    programme_table = "tickets_programmes"
    params = ("tickets_min_working_age", "tickets_org_bookings_per_year")
    conditions = ("tickets_free", "tickets_individual", "tickets_organisation")
    tables = ("tickets_programmes",)
    interpretations = _booking_interpretations("tickets")
    schema = _booking_schema((("film", "电影"), ("drama", "话剧")))


RULES_2019: tuple[type[Rule], ...] = (
    CounsellingAppointment,
    CounsellingLecture,
    CaravanVisit,
    CultureClassBooking,
    TicketBooking,
)
RULES_2021: tuple[type[Rule], ...] = ()
