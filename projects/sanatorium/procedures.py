"""How the sanatorium rules are applied for (see projects.procedures)."""

from collections.abc import Mapping
from typing import Any

from projects.procedures import DISTRICT, Applicant, Procedure, QuotaSpec
from subsidies.rules import registry
from subsidies.rules.data import PolicyData


def _checkup_quotas(applicant: Applicant, facts: Mapping[str, Any], data: PolicyData | None = None) -> list[QuotaSpec]:
    """先到先得: a plan the year's plans table books against the district-wide places (D, E, F in 2021)
    takes one of them; which plans, and how many places, are the year's data, not this code."""
    rule = registry.get("health_checkup", applicant.policy_year)
    plans = rule.district_quota_plans(data or rule.data)
    if rule.district_places_param is None or facts.get("plan") not in plans:
        return []
    return [
        QuotaSpec(
            f"health_checkup:{applicant.policy_year}:{''.join(plans)}",  # health_checkup:2021:DEF
            f"{'、'.join(plans)}体检计划全区名额",
            rule.district_places_param,
            first_come=True,
        )
    ]


PROCEDURES = (
    Procedure(
        "sanatorium_plan",
        (DISTRICT,),
        "运营约定：团体疗休养由区总工会确认计划和名额",
        offering="required",
        places_fact="participants",
    ),
    Procedure(
        "resort_room_subsidy",
        (),
        "2019 §6 会员休疗养度假房价补贴：持卡会员直接预订",
        auto_approve_ceiling="resort_room_auto_approve_ceiling",
    ),
    Procedure(
        "health_checkup",
        (),
        "2021「疗休养、健康体检」：直通预约；体检计划表中由全区名额预约的计划（D、E、F）先到先得",
        offering="optional",
        auto_approve_ceiling="health_checkup_auto_approve_ceiling",
        places_fact="persons",
        quotas=_checkup_quotas,
    ),
    Procedure("sanatorium_group", (DISTRICT,), "运营约定：团体疗休养由区总工会确认计划和名额"),
)

PROJECT_LINKS = {"sanatorium": [("2019、2021年度疗休养和体检计划、补贴一览", "sanatorium:plans")]}
