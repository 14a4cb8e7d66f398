"""Workers' reading rooms (2019 §12 职工书屋建设).

A unit applies to be a district demonstration point (示范点) or a self-built
point (自建点); each has a stock standard and a 2019 target number. The
document gives no grant amount: the rule checks the standard and the places.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import Decision
from .facts import Fact, Facts, FactsSchema

POINT_TYPES = (("demo", "区级职工书屋示范点"), ("self_built", "职工书屋自建点"))
SITE_KINDS = (
    ("enterprise_institution", "基层企事业单位"),
    ("community", "社区"),
    ("industrial_park", "工业园区"),
    ("village", "村"),
    ("key_project_site", "重点建设项目工地"),
    ("other", "其他"),
)
_QUOTA = {"demo": "reading_demo_quota", "self_built": "reading_self_built_quota"}
_STANDARD = {"demo": "reading_demo_standard", "self_built": "reading_self_built_standard"}


class ReadingRoom(Rule):
    rule_id = "reading_room"
    project = "reading_rooms"
    title = "职工书屋建设（示范点、自建点）"
    summary = (
        "2019年建设区级职工书屋示范点{reading_demo_quota}个（藏书{reading_room_standards[demo][books_min]}册、"
        "报刊{reading_room_standards[demo][periodicals_min]}种以上、"
        "电子音像制品不少于{reading_room_standards[demo][audio_video_min]}种）"
        "和职工书屋自建点{reading_self_built_quota}个（藏书{reading_room_standards[self_built][books_min]}册、"
        "报刊{reading_room_standards[self_built][periodicals_min]}种以上、"
        "电子音像制品不少于{reading_room_standards[self_built][audio_video_min]}种）。"
    )
    applicant = "organisation"
    params = ("reading_demo_quota", "reading_self_built_quota")
    tables = ("reading_room_standards",)
    conditions = (
        "reading_demo_standard",
        "reading_self_built_standard",
        "reading_focus_units",
        "reading_demo_promotion",
        "reading_no_amount",
    )
    interpretations = (
        ("“藏书量2000册”“藏书量1000册”读作至少2000册、至少1000册。", "reading_room_standards"),
        ("“报刊10种以上”“5种以上”包含本数；“不少于50种（张）”“不少于30种（张）”包含本数。", "reading_room_standards"),
        (
            "建设对象“主要为一线职工特别是农民工工作和居住相对集中的基层企事业单位、社区、工业园区、村和重点建设项目工地”"
            "是重点方向，不是排除条件：其他单位也可按标准建设，只作说明。",
            "reading_focus_units",
        ),
        (
            "建设目标（示范点10个、自建点20个）作为名额：已占名额达到目标数时判定“名额已满”；名额由数据库统一计数。",
            "reading_demo_quota",
        ),
        ("文件未载明职工书屋的补贴金额或出资方：金额为0，本规则只判定是否达到建设标准和名额。", "reading_no_amount"),
    )
    schema = FactsSchema(
        (
            Fact("point_type", "choice", "申报类型", choices=POINT_TYPES),
            Fact("books", "int", "藏书量（册）", minimum=0, maximum=10000000),
            Fact("periodicals", "int", "报刊（种）", minimum=0, maximum=100000),
            Fact("audio_video", "int", "电子音像制品（种/张）", minimum=0, maximum=1000000),
            Fact("site_kind", "choice", "书屋所在单位类型", required=False, choices=SITE_KINDS),
            Fact("frontline_concentrated", "bool", "一线职工特别是农民工工作和居住相对集中", required=False),
            Fact(
                "places_taken",
                "int",
                "本类型已确定的书屋数",
                source="record",
                required=False,
                minimum=0,
                maximum=100000,
                help="不含本单位；达到目标数即名额已满",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        point = f.point_type
        row = ctx.table("reading_room_standards").get(point) if point else None
        if row is None:
            checks.need(
                "point_type", None, ctx.clause("reading_room_standards"), "", "", "待选择申报类型（区级示范点或自建点）"
            )
        else:
            standard = ctx.clause(_STANDARD[point])
            label = row["label"]
            books, periodicals, av = f.books, f.periodicals, f.audio_video
            checks.need(
                "standard.books",
                None if books is None else books >= row["books_min"],
                standard,
                f"藏书量 {books} 册，达到{label}标准 {row['books_min']} 册",
                f"{label}藏书量须达到 {row['books_min']} 册，现为 {books} 册",
            )
            checks.need(
                "standard.periodicals",
                None if periodicals is None else periodicals >= row["periodicals_min"],
                standard,
                f"报刊 {periodicals} 种，达到 {row['periodicals_min']} 种以上",
                f"{label}报刊须 {row['periodicals_min']} 种以上，现为 {periodicals} 种",
            )
            checks.need(
                "standard.audio_video",
                None if av is None else av >= row["audio_video_min"],
                standard,
                f"电子音像制品 {av} 种（张），不少于 {row['audio_video_min']} 种（张）",
                f"{label}电子音像制品须不少于 {row['audio_video_min']} 种（张），现为 {av} 种（张）",
            )
            quota = ctx.value(_QUOTA[point])
            if f.places_taken is not None:
                checks.need(
                    "quota.full",
                    f.places_taken < quota,
                    ctx.clause(_QUOTA[point]),
                    f"{label}尚有名额（2019年目标 {quota} 个，已确定 {f.places_taken} 个）",
                    f"名额已满：2019年{label}目标 {quota} 个，已确定 {f.places_taken} 个",
                )
            else:
                checks.note("quota", f"2019年{label}建设目标 {quota} 个", ctx.clause(_QUOTA[point]))
            if point == "demo":
                checks.note(
                    "demo.promotion",
                    "荣获“区级职工书屋示范点”称号的单位可优先申报评选市级、全国职工书屋示范点",
                    ctx.clause("reading_demo_promotion"),
                )
        focus = ctx.clause("reading_focus_units")
        if f.frontline_concentrated and f.site_kind != "other":
            checks.note(
                "focus.unit",
                "属于重点建设对象（一线职工、农民工相对集中的基层单位、社区、园区、村或重点工程工地）",
                focus,
            )
        else:
            checks.note("focus.other", "建设对象主要为一线职工特别是农民工相对集中的单位；其他单位不在排除之列", focus)
        checks.note(
            "amount.none", "文件未载明职工书屋建设补贴金额，本规则只判定建设标准和名额", ctx.clause("reading_no_amount")
        )
        return checks.decision(self, details={"point_type": row["label"]} if row else None)


RULES_2019: tuple[type[Rule], ...] = (ReadingRoom,)
RULES_2021: tuple[type[Rule], ...] = ()
