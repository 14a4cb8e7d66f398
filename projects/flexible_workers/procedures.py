"""How the flexible workers rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import DISTRICT, STREET, Procedure, once_per_year
from subsidies.rules.core import Decision
from subsidies.rules.data import PolicyData

from .records import benefit_locked_facts, coverage_locked_facts


def _claim_chain(decision: Decision, data: PolicyData) -> tuple[str, ...]:
    """Through the street (industry) union, or straight to the district's service office."""
    return (DISTRICT,) if dict(decision.details).get("claim_channel") == "district_office" else (STREET, DISTRICT)


PROCEDURES = (
    Procedure(
        "flexible_worker_coverage",
        (STREET, DISTRICT),
        "2019 §4 参保方式：行业工会或街镇（园区）工会组织团体参保并向服务处申请办理",
        dedup=once_per_year,
        dedup_message="一个保障期内只能参加一份灵活就业会员专享保障。",
        locked_facts=coverage_locked_facts,
    ),
    Procedure(
        "flexible_worker_benefit",
        _claim_chain,
        "2019 §4 申请方式：通过行业工会或街镇（园区）工会向各区服务处提交给付申请，也可自行就近前往各区服务处提交",
        proofs=(AttachmentKind.MEDICAL,),
        locked_facts=benefit_locked_facts,
    ),
    Procedure(
        "flexible_worker_care",
        (STREET,),
        "2021「五送」：街镇（园区、行业）工会组织开展“五送”服务",
        dedup=once_per_year,
        dedup_message="本年度已登记“五送”服务。",
    ),
)

MEMBER_LINKS = [("我的“五送”服务", "flexible_workers:my_services")]


def _checkups_owed(user, today):
    from django.urls import reverse

    from subsidies.rules import registry

    from .selectors import checkups_not_delivered

    year = registry.latest("flexible_worker_care", today.year).policy_year  # the newest policy year in force
    count = checkups_not_delivered(user=user, policy_year=year, due_by=today).count()
    return "名灵活就业会员的健康体检已到期未安排", count, reverse("admin:flexible_workers_servicedelivery_checkups")


DASHBOARD_ITEMS = [_checkups_owed]
