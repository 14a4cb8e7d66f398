"""Flower-expo visits (2021 “组织万名职工‘看花博’”项目): a union's group trip,
checked against the funding conditions and tallied toward the district target.

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import Decision
from .facts import Fact, Facts, FactsSchema

ORGANISED_AS = (("spring_autumn_outing", "职工团体春秋游"), ("sanatorium", "职工疗休养"))


class FlowerExpoVisit(Rule):
    rule_id = "flower_expo_visit"
    project = "flower_expo"
    title = "组织职工“看花博”（2021年）"
    summary = (
        "各级工会以团体春秋游或疗休养方式组织职工参观第十届中国花卉博览会，全区累计目标超过{flower_expo_target_visits}人次；"
        "春秋游可列支基层工会经费，当日往返，委托旅行社须签订委托协议；困难职工家庭由市总工会给予补贴"
        "（文件未载明金额）。"
    )
    applicant = "organisation"
    params = ("flower_expo_target_visits",)
    conditions = (
        "flower_expo_focus_groups",
        "flower_expo_period",
        "flower_expo_organised_as",
        "flower_expo_hardship_subsidy",
        "flower_expo_outing_funds",
        "flower_expo_agency_agreement",
        "flower_expo_same_day",
        "flower_expo_sanatorium_rules",
    )
    interpretations = (
        ("“超过10000人次”不含10000：累计10000人次尚未完成目标，10001人次完成。", "flower_expo_target_visits"),
        (
            "“当日往返”和“委托旅行社需签订委托协议”是列支春秋游费用的条件，只核对春秋游方式；疗休养方式按本市职工"
            "疗休养政策执行（见疗休养规则），此处只作提示。",
            "flower_expo_same_day",
        ),
        ("文件未载明花博会公众开放期和试运行期的具体日期：不核对参观日期。", "flower_expo_period"),
        ("市总对困难职工家庭的补贴未载明金额：只作提示，金额为0。", "flower_expo_hardship_subsidy"),
        ("累计目标是全区工作目标，不是单次活动的条件：未达到目标不影响本次活动符合条件。", "flower_expo_target_visits"),
    )
    schema = FactsSchema(
        (
            Fact("visits_so_far", "int", "本次之前全区已累计参观人次", source="record", minimum=0, maximum=100000000),
            Fact("visits_in_trip", "int", "本次组织参观人次", minimum=1, maximum=100000),
            Fact("organised_as", "choice", "组织方式", choices=ORGANISED_AS),
            Fact("same_day_return", "bool", "当日往返", required=False, help="春秋游方式需要"),
            Fact("entrusted_to_travel_agency", "bool", "委托旅行社组织", required=False, help="春秋游方式需要"),
            Fact(
                "agency_agreement_signed", "bool", "已与旅行社签订委托协议", required=False, help="委托旅行社组织时需要"
            ),
            Fact("includes_hardship_families", "bool", "含困难职工家庭及其成员", required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.note(
            "focus_groups",
            "面向全区各级工会组织和广大工会会员，重点聚焦劳模工匠、重大工程建设、对外援建援助、"
            "疫情防控、公共服务、灵活就业和困难职工等群体",
            ctx.clause("flower_expo_focus_groups"),
        )
        mode = f.organised_as
        organised = ctx.clause("flower_expo_organised_as")
        if mode is None:
            checks.need("organised_as", None, organised, "", "", "待确认组织方式（团体春秋游或疗休养）")
        elif mode == "spring_autumn_outing":
            checks.note(
                "organised_as",
                "以职工团体春秋游方式组织，可按规定列支春秋游费用（租车费、餐费、门票和活动用品等）",
                ctx.clause("flower_expo_outing_funds"),
            )
            checks.need(
                "trip.same_day",
                f.same_day_return,
                ctx.clause("flower_expo_same_day"),
                "当日往返",
                "列支春秋游费用组织看花博须当日往返",
                "待确认是否当日往返",
            )
            self._agency(checks, f, ctx)
        else:
            checks.note(
                "organised_as",
                "以职工疗休养方式组织，应按照本市职工疗休养相关政策规定实施",
                ctx.clause("flower_expo_sanatorium_rules"),
            )
        if f.includes_hardship_families:
            checks.note(
                "hardship.subsidy",
                "组织困难职工家庭及其成员参观，市总工会给予补贴（文件未载明补贴金额）",
                ctx.clause("flower_expo_hardship_subsidy"),
            )
        details = self._tally(checks, f, ctx)
        return checks.decision(self, details=details)

    def _agency(self, checks: Checks, f: Facts, ctx: Context) -> None:
        clause = ctx.clause("flower_expo_agency_agreement")
        if f.entrusted_to_travel_agency is None:
            checks.need("agency", None, clause, "", "", "待确认是否委托旅行社组织")
        elif not f.entrusted_to_travel_agency:
            checks.note("agency", "工会自行组织，未委托旅行社", clause)
        else:
            checks.need(
                "agency.agreement",
                f.agency_agreement_signed,
                clause,
                "委托旅行社组织，已签订委托协议",
                "委托旅行社组织须签订委托协议",
                "待确认是否已与旅行社签订委托协议",
            )

    def _tally(self, checks: Checks, f: Facts, ctx: Context) -> dict[str, str]:
        target = ctx.value("flower_expo_target_visits")
        clause = ctx.clause("flower_expo_target_visits")
        if f.visits_so_far is None or f.visits_in_trip is None:
            checks.need("tally", None, clause, "", "", f"待确认累计人次和本次人次（全区目标：超过{target}人次）")
            return {"target": str(target)}
        total = f.visits_so_far + f.visits_in_trip
        met = total > target
        remaining = 0 if met else target + 1 - total
        if met:
            message = f"本次{f.visits_in_trip}人次，全区累计{total}人次，已超过{target}人次目标"
        else:
            message = f"本次{f.visits_in_trip}人次，全区累计{total}人次，距“超过{target}人次”目标尚差{remaining}人次"
        checks.note("tally", message, clause)
        return {
            "running_total": str(total),
            "target": str(target),
            "target_met": "yes" if met else "no",
            "visits_to_target": str(remaining),
        }


RULES_2019: tuple[type[Rule], ...] = ()
RULES_2021: tuple[type[Rule], ...] = (FlowerExpoVisit,)
