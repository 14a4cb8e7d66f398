"""How the legal rules are applied for (see projects.flows).

The hooks live in projects/legal/services.py; they are imported when called, because
projects.flows imports this module while it is itself being imported.
"""

from projects.flows import D, Flow, S, once_per_year


def _legal_aid_approved(application):
    from .services import legal_aid_case_open

    legal_aid_case_open(application)


def _legal_checkup_quotas(applicant, facts):
    from .services import legal_checkup_quotas

    return legal_checkup_quotas(applicant, facts)


def _legal_checkup_locked_facts(member, organisation, policy_year):
    from .services import legal_checkup_locked_facts

    return legal_checkup_locked_facts(member, organisation, policy_year)


def _legal_checkup_approved(application):
    from .services import legal_checkup_record_open

    legal_checkup_record_open(application)


FLOWS = (
    Flow("legal_aid", (D,), "2019 §3 申请程序：区总工会职工法律援助中心完成受理、审核、指派",
         on_approved=_legal_aid_approved, detail_url="legal:case",
         apply_links=(("法律援助中心和接待窗口", "legal:centres"),)),
    Flow("legal_checkup", (S, D), "2021「法律体检」二、范围与对象：街镇总工会确定企业名单，区总工会分配名额",
         dedup=once_per_year, dedup_message="该企业本年度已列入“法律体检”名单。",
         quotas=_legal_checkup_quotas, locked_facts=_legal_checkup_locked_facts,
         on_approved=_legal_checkup_approved),
)

PROJECT_LINKS = {"legal_aid": [("法律援助中心和接待窗口", "legal:centres")]}


def _unassigned_cases(user, today):
    from django.urls import reverse

    from .selectors import legal_aid_cases_unassigned

    url = reverse("admin:legal_legalaidcase_changelist") + "?status__exact=awaiting"
    return "份法律援助案件待指派中心和律师", legal_aid_cases_unassigned(user=user).count(), url


DASHBOARD_ITEMS = [_unassigned_cases]
