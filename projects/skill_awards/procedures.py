"""How the skill awards rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import CITY, DISTRICT, GRASSROOTS, Procedure, once_ever_for
from subsidies.rules.core import Decision, Route


def _skill_chain(decision: Decision) -> tuple[str, ...]:
    # The app route goes straight to the city union; the unit route is grassroots → district → city.
    return (CITY,) if decision.route is Route.APP else (GRASSROOTS, DISTRICT, CITY)


SKILL = "2019 §1 申报方式：基层工会初审、区总工会复审、市总工会终审"

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
