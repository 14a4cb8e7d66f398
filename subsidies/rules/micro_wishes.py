"""“微心愿” for hardship workers (2021 “助力困难职工实现‘微心愿’”项目).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import Decision, Route
from .facts import Fact, Facts, FactsSchema

CHANNELS = (
    ("personal", "个人发布：“申工社”上的“微心愿”小程序（全年开放）"),
    ("collective", "集体发布：区总工会线下征集后上传“申工通”“微心愿管理系统”"),
)
CHANNEL_LABELS = dict(CHANNELS)
CATEGORIES = (("item", "实物类"), ("service", "服务类"), ("offline_activity", "线下活动类"))


class MicroWish(Rule):
    rule_id = "micro_wish"
    project = "micro_wishes"
    title = "困难职工“微心愿”"
    summary = "工会认定的在职困难职工和特殊弱势群体职工（本区工会会员），可全年发布实物类、服务类或线下活动类“微心愿”。"
    applicant = "member"
    params = ("micro_wish_responsibilities",)
    tables = ("micro_wish_categories",)
    conditions = ("micro_wish_member", "micro_wish_target", "micro_wish_personal", "micro_wish_collective")
    interpretations = (
        (
            "“由各级工会认定的在职困难职工及特殊弱势群体职工”：两类人员均须经工会认定；“在职”限定困难职工"
            "（退休困难职工不在此列），满足其中一类即可。",
            "micro_wish_target",
        ),
        ("“‘微心愿’平台全年开放”：不设受理期，本规则不检查日期。", "micro_wish_personal"),
        ("集体发布（区总工会线下征集后上传）的心愿，其本人同样须符合服务对象条件。", "micro_wish_collective"),
        ("文件未载明心愿金额或价值上限：金额记为0，由平台按类别实现。", "micro_wish_categories"),
    )
    schema = FactsSchema(
        (
            Fact("is_district_member", "bool", "本区工会会员", profile="is_district_member"),
            Fact("is_hardship_member", "bool", "经各级工会认定的困难职工", profile="is_hardship_member"),
            Fact("in_service", "bool", "在职（未退休）", required=False, help="困难职工需要"),
            Fact(
                "is_special_vulnerable",
                "bool",
                "经各级工会认定的特殊弱势群体职工",
                source="reviewer",
                reviewer="street",
                required=False,
            ),
            Fact("channel", "choice", "发布方式", choices=CHANNELS),
            Fact("category", "choice", "心愿类别", choices=CATEGORIES),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "member.district", f.is_district_member, ctx.clause("micro_wish_member"), "本区工会会员", "须为本区工会会员"
        )
        target = ctx.clause("micro_wish_target")
        hardship = f.is_hardship_member
        if hardship is None:
            hardship_ok = None
        elif not hardship:
            hardship_ok = False
        else:
            hardship_ok = f.in_service
        if hardship_ok or f.is_special_vulnerable is not None:
            checks.any_of(
                "target",
                [
                    ("target.hardship", hardship_ok, target, "经工会认定的在职困难职工"),
                    ("target.vulnerable", f.is_special_vulnerable, target, "经工会认定的特殊弱势群体职工"),
                ],
                "须为各级工会认定的在职困难职工或特殊弱势群体职工",
                target,
            )
        else:
            # Not a certified hardship member: whether the member is a 特殊弱势群体职工 is for the
            # street union to establish after the application.
            checks.reviewed(
                "target.vulnerable",
                None,
                target,
                "",
                "",
                reviewer="street",
                pending="待街镇工会认定是否为特殊弱势群体职工",
            )
        channel = f.channel
        if channel == "personal":
            checks.note(
                "channel.personal",
                "个人在“申工社”点击“微心愿”小程序申请，平台全年开放",
                ctx.clause("micro_wish_personal"),
            )
        elif channel == "collective":
            checks.note(
                "channel.collective",
                "由区总工会线下征集，在“申工通”“微心愿管理系统”上传",
                ctx.clause("micro_wish_collective"),
            )
        else:
            checks.need(
                "channel", None, ctx.clause("micro_wish_personal"), "", "", "待选择发布方式（个人发布或集体发布）"
            )
        row = ctx.table("micro_wish_categories").get(f.category) if f.category else None
        if row:
            checks.note(
                "category", f"{row['label']}：{row['description']}；文件未载明金额", ctx.clause("micro_wish_categories")
            )
        else:
            checks.need(
                "category",
                None,
                ctx.clause("micro_wish_categories"),
                "",
                "",
                "待选择心愿类别（实物类、服务类、线下活动类）",
            )
        details = {"responsibilities": "；".join(ctx.value("micro_wish_responsibilities"))}
        if channel:
            details["channel"] = CHANNEL_LABELS[channel]
        if row:
            details["category"] = row["label"]
        return checks.decision(self, route=Route.APP if channel == "personal" else None, details=details)


RULES_2019: tuple[type[Rule], ...] = ()
RULES_2021: tuple[type[Rule], ...] = (MicroWish,)
