"""How each rule is applied for: review chain, once-only keys, quotas, proofs.

Amounts, conditions and windows come from the rules module; this table says how
an application moves. Each flow names its source: the policy clause where a
document gives the chain, or "运营约定" (an operational choice) where it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from subsidies.rules.core import Decision, Route

from .models import AttachmentKind

G, S, D, C = "grassroots", "street", "district", "city"


@dataclass(frozen=True)
class Applicant:
    """Who is applying: exactly one of member / organisation, plus the policy year."""

    member_id: int | None
    organisation_id: int | None
    policy_year: int

    @property
    def key(self) -> str:
        return f"member:{self.member_id}" if self.member_id else f"org:{self.organisation_id}"


@dataclass(frozen=True)
class QuotaSpec:
    """A pool of places. capacity_param names the policy-data param holding the number;
    pools without one (sessions, per-street allocations) must be created by staff first."""

    key: str
    label: str
    capacity_param: str | None = None


DedupFn = Callable[[Applicant, Mapping[str, Any]], str | None]
QuotaFn = Callable[[Applicant, Mapping[str, Any]], list[QuotaSpec]]
ChainFn = Callable[[Decision], tuple[str, ...]]


def once_per_year(applicant: Applicant, facts: Mapping[str, Any]) -> str:
    return f"{applicant.key}:{applicant.policy_year}"


def once_per_year_for_organisations(applicant: Applicant, facts: Mapping[str, Any]) -> str | None:
    return f"{applicant.key}:{applicant.policy_year}" if applicant.organisation_id else None


def once_per_fact(*names: str) -> DedupFn:
    def key(applicant: Applicant, facts: Mapping[str, Any]) -> str | None:
        values = [facts.get(n) for n in names]
        if any(v in (None, "") for v in values):
            return None
        return ":".join([applicant.key, str(applicant.policy_year), *map(str, values)])

    return key


@dataclass(frozen=True)
class Flow:
    rule_id: str
    chain: tuple[str, ...] | ChainFn
    chain_source: str  # the clause (or operational reason) for the chain
    dedup: DedupFn | None = None
    dedup_message: str = "您已有该项目的有效申请，不能重复申请。"
    quotas: QuotaFn | None = None
    proofs: tuple[str, ...] = ()  # attachment kinds required before review
    applicable: bool = True  # False: a calculator/registry rule nobody applies for
    # "required": the applicant picks one of the open Sessions (its places, its fixed facts);
    # "optional": a session may be picked; None: no sessions.
    session: str | None = None
    places_fact: str | None = None  # the fact holding how many places one application takes

    def review_chain(self, decision: Decision) -> tuple[str, ...]:
        return self.chain(decision) if callable(self.chain) else self.chain


def _skill_chain(decision: Decision) -> tuple[str, ...]:
    # The app route goes straight to the city union; the unit route is grassroots → district → city.
    return (C,) if decision.route is Route.APP else (G, D, C)


SKILL = "2019 §1 申报方式：基层工会初审、区总工会复审、市总工会终审"

FLOWS: dict[str, Flow] = {f.rule_id: f for f in (
    Flow("skill_promotion_award", _skill_chain, SKILL, dedup=once_per_fact("level_reached"),
         dedup_message="同一晋升等级只能获得一次奖励。", proofs=(AttachmentKind.CERTIFICATE,)),
    Flow("mentor_award", _skill_chain, SKILL, proofs=(AttachmentKind.AGREEMENT, AttachmentKind.CERTIFICATE)),
    Flow("patent_award", _skill_chain, SKILL, proofs=(AttachmentKind.CERTIFICATE,)),
    Flow("worker_school_grant", (D,), "2019 §2 操作流程（二）：区总工会对申报贴补的学堂进行实地审核",
         proofs=(AttachmentKind.INVOICE,)),
    Flow("legal_aid", (D,), "2019 §3 申请程序：区总工会职工法律援助中心完成受理、审核、指派"),
    Flow("legal_checkup", (S, D), "2021「法律体检」二、范围与对象：街镇总工会确定企业名单，区总工会分配名额",
         dedup=once_per_year, dedup_message="该企业本年度已列入“法律体检”名单。"),
    Flow("flexible_worker_coverage", (S, D),
         "2019 §4 参保方式：行业工会或街镇（园区）工会组织团体参保并向服务处申请办理",
         dedup=once_per_year, dedup_message="一个保障期内只能参加一份灵活就业会员专享保障。"),
    Flow("flexible_worker_benefit", (S, D),
         "2019 §4 申请方式：通过行业工会或街镇（园区）工会向各区服务处提交给付申请",
         proofs=(AttachmentKind.MEDICAL,)),
    Flow("flexible_worker_care", (S,), "2021「五送」：街镇（园区、行业）工会组织开展“五送”服务",
         dedup=once_per_year, dedup_message="本年度已登记“五送”服务。"),
    Flow("sanitation_worker_insurance", (S, D), "2019 §15 送保障方式：街镇总工会初审，再上报区总工会审核",
         dedup=once_per_year, dedup_message="该单位本年度已申请环卫职工送保障。", proofs=(AttachmentKind.ROSTER,)),
    Flow("sanatorium_plan", (D,), "运营约定：团体疗休养由区总工会确认计划和名额", session="required",
         places_fact="participants"),
    Flow("resort_room_subsidy", (), "2019 §6 会员休疗养度假房价补贴：持卡会员直接预订"),
    Flow("health_checkup", (), "2021「疗休养、健康体检」：直通预约，D、E、F计划先到先得", session="optional",
         places_fact="persons",
         quotas=lambda a, f: [QuotaSpec(f"health_checkup:{a.policy_year}:DEF", "D、E、F体检计划全区名额",
                                        "sanatorium_checkup_def_district_places")]
         if a.policy_year >= 2021 and f.get("plan") in ("D", "E", "F") else []),
    Flow("sanatorium_group", (D,), "运营约定：团体疗休养由区总工会确认计划和名额"),
    Flow("health_service_point", (), "2021「职工健康服务点」：创建标准（非申请事项）", applicable=False),
    Flow("flower_expo_visit", (), "2021「看花博」：各级工会组织，按人次累计"),
    Flow("member_basic_coverage", (G, D), "2019 §7 会员卡办理：本区建会单位为入会职工办理",
         dedup=once_per_year, dedup_message="会员在保障有效期内仅可享有一份会员专享基本保障。"),
    Flow("member_coverage_benefit", (G, D), "2021「会员专享基本保障」给付周期：收到齐全材料后给付",
         proofs=(AttachmentKind.MEDICAL,)),
    Flow("city_condolence_payment", (G, D, C), "2019 §7 市总大病慰问金：市总工会给予一次性慰问金",
         dedup=once_per_year, dedup_message="市总大病慰问金一个年度内只发放一次。", proofs=(AttachmentKind.MEDICAL,)),
    Flow("district_condolence_payment", (G, D), "2019 §7 区总大病慰问金：区总工会给予一次性慰问金",
         dedup=once_per_year, dedup_message="区总大病慰问金一个年度内只发放一次。", proofs=(AttachmentKind.MEDICAL,)),
    Flow("mommy_room_grant", (D,), "2019 §8 “爱心妈咪小屋”：单位申报，区总工会审核", proofs=(AttachmentKind.PHOTO,)),
    Flow("parent_child_studio_grant", (D,), "2019 §8 “亲子工作室”：单位申报，区总工会审核"),
    Flow("reading_room", (D,), "2019 §12 职工书屋建设：单位申报，区总工会评定",
         dedup=once_per_year, dedup_message="该单位本年度已申报职工书屋。",
         quotas=lambda a, f: [QuotaSpec(f"reading_room:{a.policy_year}:{f.get('point_type')}",
                                        "区级职工书屋示范点" if f.get("point_type") == "demo" else "职工书屋自建点",
                                        f"reading_{f.get('point_type')}_quota")] if f.get("point_type") else []),
    Flow("singles_event", (), "2019 §9 参加方式：会员报名领取名额", session="required"),
    Flow("counselling_appointment", (), "2019 §10 申请方式：职工预约个案心理咨询", session="required"),
    Flow("counselling_lecture", (S, D), "2019 §10 申请方式：上级工会汇总上报，区总工会统一安排"),
    Flow("caravan_visit", (D,), "2019 §11 服务形式：区总工会将“大篷车”开进企事业单位、园区、楼宇"),
    Flow("culture_class_booking", (), "2019 §13 申请流程：个人预约；单位每年可预约一次", session="required",
         dedup=once_per_year_for_organisations, dedup_message="每家企事业单位或工会组织每年可预约一次。"),
    Flow("ticket_booking", (), "2019 §14 申请流程：个人抢票；单位每年可预约一次", session="required",
         dedup=once_per_year_for_organisations, dedup_message="每家企事业单位或工会组织每年可预约一次。"),
    Flow("micro_wish", (S, D), "运营约定：街镇工会核实困难职工身份，区总工会发布"),
)}


def flow_for(rule_id: str) -> Flow:
    try:
        return FLOWS[rule_id]
    except KeyError:
        raise LookupError(f"no application flow for rule {rule_id}") from None
