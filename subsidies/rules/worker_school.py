"""“上海职工学堂” build grant (2019 §2).

A street/town union that set up a new worker school between 2018-09-01 and
2019-08-31 applies by 15 August 2019; the district checks the school on site;
the union claims by 1 September 2019 with the summary form and the receipt.
"""

from __future__ import annotations

from decimal import Decimal

from .base import Checks, Context, Rule
from .core import ZERO, Decision, Payer, Share
from .facts import Fact, Facts, FactsSchema
from .pieces import split_equally, yuan

_HALVES = (Payer.CITY_UNION, Payer.DISTRICT_UNION)


class WorkerSchoolGrant(Rule):
    rule_id = "worker_school_grant"
    project = "worker_school"
    title = "“上海职工学堂”建学补贴"
    summary = (
        "街镇总工会{worker_school_built_from}—{worker_school_built_to}新建的“上海职工学堂”："
        "购置固定资产按最高{worker_school_asset_cap:wan}万元标准，市总工会补贴最高{worker_school_city_cap:wan}万元，"
        "区总工会等额匹配；{worker_school_apply_by}前申报，{worker_school_claim_by:md}前申领。"
    )
    applicant = "organisation"
    params = (
        "worker_school_built_from",
        "worker_school_built_to",
        "worker_school_city_cap",
        "worker_school_asset_cap",
        "worker_school_apply_by",
        "worker_school_claim_by",
    )
    conditions = (
        "worker_school_applicant",
        "worker_school_district_match",
        "worker_school_asset_scope",
        "worker_school_site_check",
        "worker_school_claim_documents",
    )
    interpretations = (
        (
            "（区总工会确定）补贴按合格支出计算：合格支出 = min(固定资产及物品购置金额, 10万元)；市总工会承担其一半、"
            "最高5万元，区总工会按1:1匹配市总金额，两者合计覆盖合格支出（10万→5万+5万；6万→3万+3万；13万→5万+5万）。"
            "合格支出为奇数分时两者相差1分（按 split_equally 分配），合计恰为合格支出，市总部分不超过5万元。",
            "worker_school_asset_cap",
        ),
        (
            "“区总工会会根据具体情况进行1:1资金匹配”按应匹配计算区总金额；“根据具体情况”由区总工会审核时把握。",
            "worker_school_district_match",
        ),
        ("“2019年8月15日前”申报包含8月15日当日。", "worker_school_apply_by"),
        ("“2019年9月1日前”申领包含9月1日当日。", "worker_school_claim_by"),
        (
            "建立期间（至2019年8月31日）晚于申报截止日（8月15日）：不要求申报日晚于建立日，"
            "8月16日—31日建立的学堂也须在8月15日前申报。",
            "worker_school_apply_by",
        ),
        ("实地审核结果未知时（尚未审核）判定为“需补充信息”；审核未通过则不予补贴。", "worker_school_site_check"),
        (
            "申领阶段：填写申领日期后才核对申领期限和两份材料；未填写申领日期时只提示9月1日前申领。",
            "worker_school_claim_documents",
        ),
    )
    schema = FactsSchema(
        (
            Fact("is_street_town_union", "bool", "申请单位为街镇总工会", source="record"),
            Fact("built_on", "date", "职工学堂建立日期"),
            Fact(
                "asset_spend",
                "decimal",
                "购置固定资产及物品金额（元）",
                minimum=0,
                maximum=Decimal("100000000"),
                help="课桌椅、电脑、投影仪、大型教具、多媒体教学设备等",
            ),
            Fact("application_date", "date", "申报贴补申请日期", profile="today"),
            Fact(
                "on_site_check_passed",
                "bool",
                "区总工会实地审核通过",
                source="reviewer",
                reviewer="district",
                required=False,
                help="实地审核前不填",
            ),
            Fact("claim_date", "date", "申领补贴日期", required=False, help="申领时填写"),
            Fact("claim_form_submitted", "bool", "已提交《“上海职工学堂”贴补资金申领汇总表》", required=False),
            Fact("receipt_submitted", "bool", "已提交工会开具的《上海市行政事业单位资金往来结算票据》", required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.need(
            "applicant.street_town_union",
            f.is_street_town_union,
            ctx.clause("worker_school_applicant"),
            "申请单位为街镇总工会",
            "补贴对象为各街镇总工会建立的“上海职工学堂”",
        )
        built_from, built_to = ctx.value("worker_school_built_from"), ctx.value("worker_school_built_to")
        built = f.built_on
        checks.need(
            "built.period",
            None if built is None else built_from <= built <= built_to,
            ctx.clause("worker_school_built_from"),
            f"建立日期 {built} 在 {built_from} 至 {built_to} 期间",
            f"须为 {built_from} 至 {built_to} 期间建立的学堂，建立日期为 {built}",
        )

        apply_by = ctx.value("worker_school_apply_by")
        applied = f.application_date
        if applied is not None and applied > apply_by:
            checks.fail(
                "window.closed",
                f"须于 {apply_by} 前（含当日）向区总工会申报，申请日期为 {applied}",
                ctx.clause("worker_school_apply_by"),
            )
        else:
            checks.need(
                "window",
                None if applied is None else True,
                ctx.clause("worker_school_apply_by"),
                f"申请日期 {applied} 在 {apply_by} 前（含当日）",
                "",
                f"待确认申请日期；须于 {apply_by} 前（含当日）申报",
            )

        checks.reviewed(
            "site_check",
            f.on_site_check_passed,
            ctx.clause("worker_school_site_check"),
            "区总工会实地审核通过",
            "区总工会实地审核未通过",
            reviewer="district",
            pending="待区总工会对学堂进行实地审核",
        )

        claim_by = ctx.value("worker_school_claim_by")
        if f.claim_date is None:
            checks.note(
                "claim.due",
                f"请于 {claim_by} 前（含当日）凭申领汇总表和资金往来结算票据向区总工会申领补贴",
                ctx.clause("worker_school_claim_by"),
            )
        else:
            checks.need(
                "claim.on_time",
                f.claim_date <= claim_by,
                ctx.clause("worker_school_claim_by"),
                f"申领日期 {f.claim_date} 在 {claim_by} 前（含当日）",
                f"须于 {claim_by} 前（含当日）申领补贴，申领日期为 {f.claim_date}",
            )
            documents = ctx.clause("worker_school_claim_documents")
            checks.need(
                "claim.form",
                f.claim_form_submitted,
                documents,
                "已提交《“上海职工学堂”贴补资金申领汇总表》",
                "申领须提交《“上海职工学堂”贴补资金申领汇总表》",
            )
            checks.need(
                "claim.receipt",
                f.receipt_submitted,
                documents,
                "已提交工会开具的《上海市行政事业单位资金往来结算票据》",
                "申领须提交由工会开具的《上海市行政事业单位资金往来结算票据》",
            )

        amount, split = ZERO, ()
        if f.asset_spend is None:
            checks.need(
                "amount.spend",
                None,
                ctx.clause("worker_school_asset_cap"),
                "",
                "",
                "待填写购置固定资产及物品金额，据此计算补贴",
            )
        else:
            asset_cap, city_cap = ctx.value("worker_school_asset_cap"), ctx.value("worker_school_city_cap")
            eligible = min(f.asset_spend, asset_cap)
            city, district = split_equally(eligible, _HALVES)
            if max(city.amount, district.amount) > city_cap:  # only if staff raise the asset standard above 2 x the cap
                city, district = Share(Payer.CITY_UNION, city_cap), Share(Payer.DISTRICT_UNION, city_cap)
            split = (city, district)
            amount = city.amount + district.amount
            checks.note(
                "amount.eligible_spend",
                f"购置金额 {yuan(f.asset_spend)}，按最高 {yuan(asset_cap)} 标准计入 {yuan(eligible)}",
                ctx.clause("worker_school_asset_cap"),
            )
            checks.note(
                "amount.city",
                f"市总工会建学补贴 {yuan(city.amount)}（最高 {yuan(city_cap)}）",
                ctx.clause("worker_school_city_cap"),
            )
            checks.note(
                "amount.district",
                f"区总工会等额匹配 {yuan(district.amount)}",
                ctx.clause("worker_school_district_match"),
            )
        return checks.decision(
            self,
            amount=amount,
            split=split,
            dates={"apply_by": apply_by, "claim_by": claim_by},
            details={
                "eligible_spend_cap": str(ctx.value("worker_school_asset_cap")),
                "asset_scope": "课桌椅、电脑、投影仪、大型教具、多媒体教学设备等",
                "claim_documents": "《“上海职工学堂”贴补资金申领汇总表》；工会开具的《上海市行政事业单位资金往来结算票据》",
            },
        )


RULES_2019: tuple[type[Rule], ...] = (WorkerSchoolGrant,)
RULES_2021: tuple[type[Rule], ...] = ()
