"""How the legal rules are applied for (see projects.procedures); the hooks live in services.py."""

from projects.procedures import DISTRICT, DISTRICT_INTAKE, STREET, Procedure, once_per_year

from .services import legal_aid_case_open, legal_checkup_locked_facts, legal_checkup_quotas, legal_checkup_record_open

PROCEDURES = (
    Procedure(
        "legal_aid",
        (DISTRICT_INTAKE, DISTRICT),
        "2019 §3 申请程序：区总工会职工法律援助中心完成受理、审核、指派（受理、审核为两级，指派在案件上办理）",
        on_approved=legal_aid_case_open,
        detail_url="legal:case",
        apply_links=(("法律援助中心和接待窗口", "legal:centres"),),
    ),
    Procedure(
        "legal_checkup",
        (STREET, DISTRICT),
        "2021「法律体检」二、范围与对象：街镇总工会确定企业名单，区总工会分配名额",
        dedup=once_per_year,
        dedup_message="该企业本年度已列入“法律体检”名单。",
        quotas=legal_checkup_quotas,
        locked_facts=legal_checkup_locked_facts,
        on_approved=legal_checkup_record_open,
    ),
)

PROJECT_LINKS = {"legal_aid": [("法律援助中心和接待窗口", "legal:centres")]}


def _unassigned_cases(user, today):
    from django.urls import reverse

    from .selectors import legal_aid_cases_unassigned

    url = reverse("admin:legal_legalaidcase_changelist") + "?status__exact=awaiting"
    return "份法律援助案件待指派中心和律师", legal_aid_cases_unassigned(user=user).count(), url


DASHBOARD_ITEMS = [_unassigned_cases]
