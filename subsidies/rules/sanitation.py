"""Sanitation workers' insurance (2019 §15 “环卫职工‘送保障’”).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import ZERO, Decision, Payer, Route, Share
from .facts import Fact, Facts, FactsSchema
from .pieces import yuan

REVIEW_LABELS = {"street_town": "街镇总工会初审", "district": "区总工会审核"}


class SanitationWorkerInsurance(Rule):
    rule_id = "sanitation_worker_insurance"
    project = "sanitation_insurance"
    title = "环卫职工“送保障”"
    summary = (
        "本区建立工会组织的环卫作业企业中正常缴纳社保的在职职工，每人一份在职职工住院补充医疗互助保障计划"
        "（每份{sanitation_hospital_share_price}元）和一份职工团体意外伤害互助保障计划"
        "（每份{sanitation_accident_share_price}元）。单位办理投保手续，街镇总工会初审，区总工会审核。"
    )
    applicant = "organisation"
    params = (
        "sanitation_hospital_share_price",
        "sanitation_accident_share_price",
        "sanitation_shares_per_worker",
        "sanitation_review_chain",
    )
    conditions = ("sanitation_unit", "sanitation_workers", "sanitation_unit_enrols", "sanitation_payer")
    interpretations = (
        (
            "文件未载明保障费由谁承担：按“送保障”（工会为职工送上保障）及区总工会审核，列为区总工会出资（区总工会确定）。",
            "sanitation_payer",
        ),
        (
            "金额＝参保职工人数×（65元＋10元）；“每人1份”：每名职工住院补充医疗、团体意外伤害各1份，"
            "多于或少于1份的不予受理。",
            "sanitation_shares_per_worker",
        ),
        (
            "“正常缴纳社保的在职职工”：单位申报的参保名单须全部为正常缴纳社保的在职职工"
            "（all_paying_social_insurance），名单中有不符合的应先剔除后再申报。",
            "sanitation_workers",
        ),
    )
    schema = FactsSchema(
        (
            Fact("is_sanitation_operator", "bool", "本区环卫作业企业", profile="is_sanitation_operator"),
            Fact("unit_union_established", "bool", "单位已建立工会组织", profile="unit_union_established"),
            Fact("insured_workers", "int", "参保职工人数", minimum=1, maximum=100000),
            Fact("all_paying_social_insurance", "bool", "参保职工均为正常缴纳社保的在职职工"),
            Fact(
                "hospital_shares_per_worker",
                "int",
                "每人住院补充医疗互助保障份数",
                required=False,
                minimum=0,
                maximum=10,
                help="不填按文件规定的每人份数计",
            ),
            Fact(
                "accident_shares_per_worker",
                "int",
                "每人团体意外伤害互助保障份数",
                required=False,
                minimum=0,
                maximum=10,
                help="不填按文件规定的每人份数计",
            ),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        unit_clause = ctx.clause("sanitation_unit")
        checks.need(
            "unit.sanitation_operator",
            f.is_sanitation_operator,
            unit_clause,
            "本区环卫作业企业",
            "须为本区环卫作业企业",
        )
        checks.need(
            "unit.union_established",
            f.unit_union_established,
            unit_clause,
            "单位已建立工会组织",
            "单位须已建立工会组织",
        )
        checks.need(
            "workers.social_insurance",
            f.all_paying_social_insurance,
            ctx.clause("sanitation_workers"),
            "参保职工均为正常缴纳社保的在职职工",
            "参保职工须为正常缴纳社保的在职职工",
        )
        per_worker = ctx.value("sanitation_shares_per_worker")
        shares_clause = ctx.clause("sanitation_shares_per_worker")
        for code, value, plan in (
            ("shares.hospital", f.hospital_shares_per_worker, "住院补充医疗互助保障计划"),
            ("shares.accident", f.accident_shares_per_worker, "团体意外伤害互助保障计划"),
        ):
            shares = per_worker if value is None else value
            checks.need(
                code,
                shares == per_worker,
                shares_clause,
                f"{plan}每人{per_worker}份",
                f"{plan}每人{per_worker}份，申报为每人{shares}份",
            )

        hospital = ctx.value("sanitation_hospital_share_price")
        accident = ctx.value("sanitation_accident_share_price")
        per_head = (hospital + accident) * per_worker
        workers = f.insured_workers
        amount = ZERO if workers is None else per_head * workers
        if workers is None:
            checks.need("workers.count", None, ctx.clause("sanitation_workers"), "", "", "待确认参保职工人数")
        else:
            checks.note(
                "amount",
                f"{workers}人×（住院补充医疗{yuan(hospital)}＋团体意外伤害{yuan(accident)}）＝{yuan(amount)}",
                ctx.clause("sanitation_hospital_share_price"),
            )
        checks.note("payer.district", f"保障费每人{yuan(per_head)}，由区总工会承担", ctx.clause("sanitation_payer"))
        chain = ctx.value("sanitation_review_chain")
        checks.note(
            "review",
            "单位自行办理投保手续，" + "、".join(REVIEW_LABELS.get(s, s) for s in chain),
            ctx.clause("sanitation_unit_enrols"),
        )
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.DISTRICT_UNION, amount),),
            route=Route.UNIT,
            details={"review_chain": "→".join(chain), "per_worker": yuan(per_head)},
        )


RULES_2019 = (SanitationWorkerInsurance,)
RULES_2021: tuple[type[Rule], ...] = ()
