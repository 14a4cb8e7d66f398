"""How the skill awards rules are applied for (see projects.flows)."""

from projects.flows import C, D, Flow, G, once_per_fact
from projects.models import AttachmentKind
from subsidies.rules.core import Decision, Route


def _skill_chain(decision: Decision) -> tuple[str, ...]:
    # The app route goes straight to the city union; the unit route is grassroots → district → city.
    return (C,) if decision.route is Route.APP else (G, D, C)


SKILL = "2019 §1 申报方式：基层工会初审、区总工会复审、市总工会终审"

FLOWS = (
    Flow("skill_promotion_award", _skill_chain, SKILL, dedup=once_per_fact("level_reached"),
         dedup_message="同一晋升等级只能获得一次奖励。", proofs=(AttachmentKind.CERTIFICATE,)),
    Flow("mentor_award", _skill_chain, SKILL, proofs=(AttachmentKind.AGREEMENT, AttachmentKind.CERTIFICATE)),
    Flow("patent_award", _skill_chain, SKILL, proofs=(AttachmentKind.CERTIFICATE,)),
)
