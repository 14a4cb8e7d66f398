"""How the skill awards rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import Procedure, once_ever_for
from subsidies.rules.core import Decision, Route
from subsidies.rules.data import PolicyData


def _skill_chain(decision: Decision, data: PolicyData) -> tuple[str, ...]:
    """The chain the policy data gives the decision's route — one source for the message the member
    reads (the rule's review_chain detail and route note) and for the routing."""
    return data.value("skill_award_app_review_chain" if decision.route is Route.APP else "skill_award_review_chain")


SKILL = (
    "2019 §1 申报方式：单位申报{skill_award_review_chain:levels}；"
    "技能晋升职工个人通过“申工社”APP申报的，{skill_award_app_review_chain:levels}"
)

PROCEDURES = (
    # One-off awards ("一次性奖励"): keyed on what is awarded, across policy years and applicants.
    Procedure(
        "skill_promotion_award",
        _skill_chain,
        SKILL,
        dedup=once_ever_for("certificate", "certificate_number"),
        dedup_message="该职业资格证书已申请或获得过技能晋升奖励。",
        proofs=(AttachmentKind.CERTIFICATE,),
    ),
    Procedure(
        "mentor_award",
        _skill_chain,
        SKILL,
        dedup=once_ever_for("apprentice", "apprentice_id_number", "apprentice_level"),
        dedup_message="该徒弟晋升此等级的带教奖励已申请或发放过。",
        proofs=(AttachmentKind.AGREEMENT, AttachmentKind.CERTIFICATE),
    ),
    Procedure(
        "patent_award",
        _skill_chain,
        SKILL,
        dedup=once_ever_for("patent", "patent_number"),
        dedup_message="该发明专利已申请或获得过奖励。",
        proofs=(AttachmentKind.CERTIFICATE,),
    ),
)
