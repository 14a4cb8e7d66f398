"""Skill promotion, mentor and patent awards (2019 §1; the 2021 project of the same name).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import ZERO, Decision, Payer, Route, Share, Window
from .facts import Fact, Facts, FactsSchema
from .pieces import yuan
from .prose import chain_words

UNIT_TYPES = (
    ("enterprise", "企业"),
    ("institution", "事业单位"),
    ("government", "机关"),
    ("social_organisation", "社会组织"),
)
ISSUERS = (("shanghai_hrss", "本市人社主管部门"), ("national_industry", "国家相关行业主管部门"), ("other", "其他机构"))
ROUTES = (("unit", "单位申报（基层工会初审、区总复审、市总终审）"), ("app", "个人通过“申工社”APP申报"))
PROMOTION_LEVELS = (("technician", "技师（国家职业资格二级）"), ("senior_technician", "高级技师（国家职业资格一级）"))
APPRENTICE_LEVELS = (("senior_worker", "高级工（国家职业资格三级）"), *PROMOTION_LEVELS)
VALID_ISSUERS = {"shanghai_hrss", "national_industry"}

DISTRICT_MEMBER = Fact("is_district_member", "bool", "本区工会会员", profile="is_district_member")
APPLICATION_DATE = Fact("application_date", "date", "申请日期", profile="today")
ROUTE = Fact("route", "choice", "申报方式", choices=ROUTES, required=False, help="不填视为单位申报")


class _SkillAward(Rule):
    project = "skill_awards"
    applicant = "member"
    # The chains the applications are routed along (projects/skill_awards/procedures.py reads them too).
    params = ("skill_award_review_chain", "skill_award_app_review_chain")
    review_chains = ("skill_award_review_chain", "skill_award_app_review_chain")
    tables = ("skill_award_batches",)
    conditions = ("skill_member_of_district", "skill_unit_route", "skill_award_payer")
    interpretations = (
        (
            "受理批次（见 skill_award_batches 表）同时适用于技能晋升、带教师傅和专利发明人三类奖励，"
            "批次首尾两日均可受理。",
            "skill_award_batches",
        ),
        ("文件未载明奖励出资方：按终审单位列为市总工会出资。", "skill_award_payer"),
    )

    def _member_and_batch(self, checks: Checks, f: Facts, ctx: Context) -> Window | None:
        checks.need(
            "member.district",
            f.is_district_member,
            ctx.clause("skill_member_of_district"),
            "本区工会会员",
            "须为本区工会会员",
        )
        return checks.windows(ctx.windows("skill_award_batches"), f.application_date, ctx.clause("skill_award_batches"))

    def _certificate(self, checks: Checks, ctx: Context, issued_on, issuer, who: str) -> None:
        issued_from = ctx.value("skill_certificate_issued_from")
        checks.need(
            "certificate.issuer",
            None if issuer is None else issuer in VALID_ISSUERS,
            ctx.clause("skill_certificate_issuer"),
            f"{who}职业资格证书由本市人社主管部门或国家相关行业主管部门颁发",
            f"{who}职业资格证书须由本市人社主管部门或国家相关行业主管部门鉴定、认证、颁发",
        )
        checks.need(
            "certificate.date",
            None if issued_on is None else issued_on >= issued_from,
            ctx.clause("skill_certificate_issued_from"),
            f"{who}证书发证日期 {issued_on} 在 {issued_from} 以后",
            f"{who}证书发证日期须在 {issued_from} 以后（含当日），实际为 {issued_on}",
        )

    def _unit_route_only(self, checks: Checks, f: Facts, ctx: Context) -> Route:
        route = Route.APP if f.route == "app" else Route.UNIT
        checks.need(
            "route.unit_only",
            route is Route.UNIT,
            ctx.clause("skill_app_route"),
            f"单位申报：{chain_words(ctx.value('skill_award_review_chain'))}",
            "个人通过APP申报仅限技能晋升职工，请向所在单位基层工会提交申请",
        )
        return route

    def _award(self, checks: Checks, ctx: Context, amount, window: Window | None, route: Route) -> Decision:
        checks.note("payer.city", f"奖励 {yuan(amount)} 由市总工会列支", ctx.clause("skill_award_payer"))
        return checks.decision(
            self,
            amount=amount,
            split=(Share(Payer.CITY_UNION, amount),),
            route=route,
            window=window,
            dates={
                "window_opens": window.opens if window else None,
                "window_closes": window.closes if window else None,
            },
            details={"review_chain": "→".join(ctx.value("skill_award_review_chain"))},
        )


class SkillPromotionAward(_SkillAward):
    rule_id = "skill_promotion_award"
    title = "技能晋升职工奖励"
    summary = (
        "晋升为技师奖励{skill_promotion_amounts[technician][amount]}元，"
        "晋升为高级技师奖励{skill_promotion_amounts[senior_technician][amount]}元（一次性）。"
    )
    params = (*_SkillAward.params, "skill_certificate_issued_from")
    tables = (*_SkillAward.tables, "skill_promotion_amounts")
    conditions = (*_SkillAward.conditions, "skill_promotion_level", "skill_certificate_issuer", "skill_app_route")
    interpretations = (
        *_SkillAward.interpretations,
        ("“发证日期为2017年1月1日以后”包含2017年1月1日当日。", "skill_certificate_issued_from"),
    )
    schema = FactsSchema(
        (
            DISTRICT_MEMBER,
            Fact("level_reached", "choice", "晋升等级", choices=PROMOTION_LEVELS),
            Fact("certificate_number", "str", "职业资格证书编号", max_length=40, help="同一证书只奖励一次"),
            Fact("certificate_issued_on", "date", "职业资格证书发证日期"),
            Fact("certificate_issuer", "choice", "证书颁发机构", choices=ISSUERS),
            Fact(
                "assessed_by_shanghai_centre",
                "bool",
                "由上海市人社局颁发、上海市职业技能鉴定中心鉴定",
                required=False,
                help="个人通过APP申报时需要",
            ),
            Fact(
                "has_valid_member_card",
                "bool",
                "持有有效上海工会会员服务卡",
                required=False,
                profile="has_valid_member_card",
            ),
            ROUTE,
            APPLICATION_DATE,
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        window = self._member_and_batch(checks, f, ctx)
        row = ctx.table("skill_promotion_amounts").get(f.level_reached) if f.level_reached else None
        checks.need(
            "level.reached",
            None if f.level_reached is None else row is not None,
            ctx.clause("skill_promotion_level"),
            f"晋升为{row['label'] if row else ''}",
            "晋升等级须为技师或高级技师",
        )
        self._certificate(checks, ctx, f.certificate_issued_on, f.certificate_issuer, "")
        route = Route.APP if f.route == "app" else Route.UNIT
        if route is Route.APP:
            checks.need(
                "route.app",
                None
                if f.assessed_by_shanghai_centre is None or f.has_valid_member_card is None
                else bool(
                    f.assessed_by_shanghai_centre
                    and f.has_valid_member_card
                    and f.certificate_issuer == "shanghai_hrss"
                ),
                ctx.clause("skill_app_route"),
                "可通过“申工社”APP个人直接申请",
                "个人APP申报须持上海市人社局颁发、上海市职业技能鉴定中心鉴定的证书和有效会员服务卡；否则请单位申报",
            )
        else:
            checks.note(
                "route.unit",
                f"单位申报：{chain_words(ctx.value('skill_award_review_chain'))}",
                ctx.clause("skill_unit_route"),
            )
        amount = row["amount"] if row else ZERO
        if row:
            checks.note(
                "amount", f"晋升为{row['label']}，一次性奖励 {yuan(amount)}", ctx.clause("skill_promotion_amounts")
            )
        return self._award(checks, ctx, amount, window, route)


class MentorAward(_SkillAward):
    rule_id = "mentor_award"
    title = "带教师傅奖励"
    summary = "带教徒弟晋升为高级工、技师、高级技师的，分别奖励{mentor_award_amounts:join amount}元。"
    params = (*_SkillAward.params, "skill_certificate_issued_from")
    tables = (*_SkillAward.tables, "mentor_award_amounts")
    conditions = (
        *_SkillAward.conditions,
        "mentor_agreement",
        "mentor_apprentice_promoted",
        "skill_certificate_issuer",
        "skill_app_route",
    )
    interpretations = (
        *_SkillAward.interpretations,
        ("“签订带教协议后…晋升”：徒弟证书发证日期须晚于协议签订日期（同日不算）。", "mentor_apprentice_promoted"),
        ("“发证日期为2017年1月1日以后”包含2017年1月1日当日。", "skill_certificate_issued_from"),
    )
    schema = FactsSchema(
        (
            DISTRICT_MEMBER,
            Fact("agreement_signed_on", "date", "“师徒带教”协议签订日期"),
            Fact("agreement_stamped", "bool", "协议经单位人力资源部门、工会等部门盖章确认"),
            Fact("apprentice_name", "str", "徒弟姓名", max_length=50),
            Fact(
                "apprentice_id_number",
                "str",
                "徒弟身份证号码",
                max_length=18,
                help="同一徒弟晋升同一等级，带教奖励只发放一次",
            ),
            Fact("apprentice_level", "choice", "徒弟晋升等级", choices=APPRENTICE_LEVELS),
            Fact("apprentice_certificate_issued_on", "date", "徒弟职业资格证书发证日期"),
            Fact("apprentice_certificate_issuer", "choice", "徒弟证书颁发机构", choices=ISSUERS),
            ROUTE,
            APPLICATION_DATE,
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        window = self._member_and_batch(checks, f, ctx)
        checks.need(
            "agreement.stamped",
            f.agreement_stamped,
            ctx.clause("mentor_agreement"),
            "已签订“师徒带教”协议并经单位盖章确认",
            "“师徒带教”协议须经所在单位人力资源部门、工会等相关部门盖章确认",
        )
        row = ctx.table("mentor_award_amounts").get(f.apprentice_level) if f.apprentice_level else None
        checks.need(
            "apprentice.level",
            None if f.apprentice_level is None else row is not None,
            ctx.clause("mentor_apprentice_promoted"),
            f"徒弟晋升为{row['label'] if row else ''}",
            "徒弟晋升等级须为高级工、技师或高级技师",
        )
        self._certificate(checks, ctx, f.apprentice_certificate_issued_on, f.apprentice_certificate_issuer, "徒弟")
        signed, issued = f.agreement_signed_on, f.apprentice_certificate_issued_on
        checks.need(
            "apprentice.after_agreement",
            None if signed is None or issued is None else issued > signed,
            ctx.clause("mentor_apprentice_promoted"),
            "徒弟在签订带教协议后晋升",
            f"徒弟须在签订带教协议（{signed}）之后晋升，证书日期为 {issued}",
        )
        route = self._unit_route_only(checks, f, ctx)
        amount = row["amount"] if row else ZERO
        if row:
            checks.note(
                "amount", f"带教徒弟晋升为{row['label']}，一次性奖励 {yuan(amount)}", ctx.clause("mentor_award_amounts")
            )
        return self._award(checks, ctx, amount, window, route)


class PatentAward(_SkillAward):
    rule_id = "patent_award"
    title = "一线职工授权发明专利奖励"
    summary = "一线职工作为第一发明人获得授权发明专利的，一次性奖励{patent_award_amount}元。"
    params = (*_SkillAward.params, "patent_granted_from", "patent_award_amount")
    conditions = (
        *_SkillAward.conditions,
        "patent_first_inventor_frontline",
        "patent_granted_invention",
        "skill_app_route",
    )
    interpretations = (
        *_SkillAward.interpretations,
        ("“证书颁发日为2017年1月1日以后”包含2017年1月1日当日。", "patent_granted_from"),
    )
    schema = FactsSchema(
        (
            DISTRICT_MEMBER,
            Fact("is_first_inventor", "bool", "第一发明人"),
            Fact("is_frontline", "bool", "一线职工"),
            Fact("is_full_time_rnd", "bool", "专职从事专利开发、技术研发"),
            Fact("unit_type", "choice", "单位性质", choices=UNIT_TYPES, profile="unit_type"),
            Fact("has_worker_status", "bool", "工人身份", required=False, help="机关、事业单位职工需要"),
            Fact(
                "patent_kind",
                "choice",
                "专利类型",
                choices=(("invention", "发明专利"), ("utility_model", "实用新型专利"), ("design", "外观设计专利")),
            ),
            Fact("patent_number", "str", "专利号", max_length=40, help="例如 ZL201810000000.0；同一专利只奖励一次"),
            Fact("granted_on", "date", "国家知识产权局授权公告日（证书颁发日）"),
            Fact("invalidated", "bool", "已被宣告无效"),
            ROUTE,
            APPLICATION_DATE,
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        window = self._member_and_batch(checks, f, ctx)
        frontline = ctx.clause("patent_first_inventor_frontline")
        checks.need("patent.first_inventor", f.is_first_inventor, frontline, "第一发明人", "须为第一发明人")
        checks.need(
            "patent.frontline",
            None if f.is_frontline is None or f.is_full_time_rnd is None else f.is_frontline and not f.is_full_time_rnd,
            frontline,
            "一线职工（非专职研发人员）",
            "须为一线职工，专职从事专利开发、技术研发的人员除外",
        )
        if f.unit_type in ("government", "institution"):
            checks.need(
                "patent.worker_status",
                f.has_worker_status,
                frontline,
                "机关、事业单位职工，具有工人身份",
                "机关、事业单位职工仅限工人身份",
            )
        granted = ctx.clause("patent_granted_invention")
        checks.need(
            "patent.invention",
            None if f.patent_kind is None else f.patent_kind == "invention",
            granted,
            "授权发明专利",
            "仅奖励授权发明专利（实用新型、外观设计不在奖励之列）",
        )
        checks.need(
            "patent.valid",
            None if f.invalidated is None else not f.invalidated,
            granted,
            "专利未被宣告无效",
            "宣告无效的专利不在奖励之列",
        )
        granted_from = ctx.value("patent_granted_from")
        checks.need(
            "patent.date",
            None if f.granted_on is None else f.granted_on >= granted_from,
            ctx.clause("patent_granted_from"),
            f"证书颁发日 {f.granted_on} 在 {granted_from} 以后",
            f"证书颁发日须在 {granted_from} 以后（含当日），实际为 {f.granted_on}",
        )
        route = self._unit_route_only(checks, f, ctx)
        amount = ctx.value("patent_award_amount")
        checks.note("amount", f"一次性奖励 {yuan(amount)}", ctx.clause("patent_award_amount"))
        return self._award(checks, ctx, amount, window, route)


RULES_2019 = (SkillPromotionAward, MentorAward, PatentAward)
RULES_2021: tuple[type[Rule], ...] = (SkillPromotionAward, MentorAward, PatentAward)  # data/2021/skill_awards.toml
