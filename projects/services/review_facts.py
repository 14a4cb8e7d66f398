"""Reviewer-supplied facts: what only a reviewer can establish after the application.

A rule's facts schema marks them (Fact.source == "reviewer", with the level whose reviewer
supplies them: the district's on-site check of a worker school, the amount the 市职保会
assessed, a street union's certification). Until supplied, the member's decision shows them
as pending ("待区总工会实地审核") instead of failing. The reviewer at that level fills them
in on the review page, sees the recomputed decision beside the frozen one, and confirms; the
decision is frozen again with who supplied what (Application.fact_sources) and the timeline
records it. A level with reviewer facts still missing cannot approve.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from members.models import User
from projects import workflow
from projects.models import Application
from subsidies.rules.facts import Fact
from subsidies.selectors import decide

from .errors import ApplicationError, TransitionNotAllowed
from .recalculation import Recalculation
from .submission import facts_to_json, freeze, save_shares
from .transitions import facts_due, record_event, reviewer_facts  # noqa: F401  (facts_due: the admin)

NOTHING_TO_SUPPLY = "本级审核没有需要填写的事实。"
UNKNOWN_FACTS = "不能由审核人填写：{names}。"


def _check(user: User, application: Application, supplied: Mapping[str, Any]) -> tuple[str, dict[str, Fact]]:
    level = workflow.current_level(application)
    if level is None or not workflow.may_review(user, application):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="填写审核事实"))
    mine = {f.name: f for f in reviewer_facts(application, level.value)}
    if not mine:
        raise ApplicationError(NOTHING_TO_SUPPLY)
    others = [name for name in supplied if name not in mine]
    if others:
        raise ApplicationError(UNKNOWN_FACTS.format(names="、".join(sorted(others))))
    return level.value, mine


def _merged(application: Application, supplied: Mapping[str, Any], mine: dict[str, Fact]):
    cleaned = {name: value for name, value in supplied.items() if value not in (None, "")}
    # Parse with the rule's schema: FactsError names any bad field, in Chinese.
    return decide(
        rule_id=application.rule_id, year=application.policy_year, facts={**application.facts, **cleaned}, strict=False
    )


def application_supplied_facts_preview(
    *, user: User, application: Application, facts: Mapping[str, Any]
) -> Recalculation:
    """What the decision becomes with these reviewer facts, beside the frozen one (nothing saved)."""
    _, mine = _check(user, application, facts)
    decided = _merged(application, facts, mine)
    return Recalculation(frozen=application.decision, current=decided.decision.to_dict())


MATERIALS_COMPLETE = "materials_complete_on"  # the reviewer fact of rules with a payout period


@transaction.atomic
def application_supply_facts(
    *, user: User, application: Application, facts: Mapping[str, Any], comment: str = ""
) -> Application:
    """The reviewer at the current level supplies its facts; the decision is recomputed and frozen
    again, recording who supplied which fact; the difference goes into the timeline."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=application.pk)
    )
    level, mine = _check(user, application, facts)
    decided = _merged(application, facts, mine)
    frozen = application.decision
    freeze(application, decided, None)
    now = timezone.now().isoformat()
    supplied = {
        name: value
        for name, value in facts_to_json(decided.facts).items()
        if name in mine and facts.get(name) not in (None, "")
    }
    sources = dict(application.fact_sources or {})
    for name in supplied:
        sources[name] = {
            "source": "reviewer",
            "level": level,
            "by": user.pk,
            "by_name": user.get_full_name() or user.get_username(),
            "at": now,
        }
    application.fact_sources = sources
    application._history_user = user
    application.save(update_fields=["facts", "decision", "amount", "payout_due", "fact_sources", "updated_at"])
    save_shares(application)
    changes = Recalculation(frozen=frozen, current=application.decision).changes
    record_event(
        application,
        action="supply_facts",
        from_status=application.status,
        to_status=application.status,
        actor=user,
        level=level,
        comment=comment.strip(),
        data={"facts": supplied, "changes": {k: list(v) for k, v in changes.items()}},
    )
    if supplied.get(MATERIALS_COMPLETE):
        # The day complete materials arrived starts the payout period (2021 basic coverage: 90/60/30
        # days): an event of its own on the timeline, with the due date it set.
        due = application.payout_due.isoformat() if application.payout_due else None
        record_event(
            application,
            action="materials_complete",
            from_status=application.status,
            to_status=application.status,
            actor=user,
            level=level,
            comment=f"申请材料于 {supplied[MATERIALS_COMPLETE]} 收齐" + (f"，给付期限 {due}" if due else ""),
            data={"on": supplied[MATERIALS_COMPLETE], "payout_due": due},
        )
    return application
