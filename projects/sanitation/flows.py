"""How the sanitation rules are applied for (see projects.flows).

The hooks live in projects/sanitation/services.py; they are imported when called, because
projects.flows imports this module while it is itself being imported.
"""

from projects.flows import D, Flow, S, once_per_year
from projects.models import AttachmentKind


def _roster_import(application):
    from .services import roster_import

    roster_import(application)


def _locked_facts(member, organisation, policy_year):
    from .services import sanitation_locked_facts

    return sanitation_locked_facts(member, organisation, policy_year)


FLOWS = (
    Flow("sanitation_worker_insurance", (S, D), "2019 §15 送保障方式：街镇总工会初审，再上报区总工会审核",
         dedup=once_per_year, dedup_message="该单位本年度已申请环卫职工送保障。", proofs=(AttachmentKind.ROSTER,),
         on_submit=_roster_import, locked_facts=_locked_facts,
         apply_links=(("下载名册模板（Excel）", "sanitation:roster_template"),)),
)
