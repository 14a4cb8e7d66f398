"""Recalculation: a reviewer sees what the current policy tables would decide beside the frozen
Decision, and may accept it; the difference is recorded in the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.selectors import is_district_staff
from projects import workflow
from projects.models import Application, ApplicationStatus
from subsidies.selectors import decide

from .errors import ApplicationError, TransitionNotAllowed
from .submission import save_shares
from .transitions import record_event

S = ApplicationStatus
NOT_RECALCULABLE = "当前状态为“{status}”，不能重新计算。"


# What a recalculation compares, with the words a reviewer reads for each (projects.labels.change_rows).
CHANGE_LABELS = {
    "outcome": _("判定结果"),
    "amount": _("金额"),
    "split": _("出资构成"),
    "dates": _("日期"),
    "route": _("给付途径"),
}


@dataclass(frozen=True)
class Recalculation:
    frozen: dict[str, Any]
    current: dict[str, Any]

    @property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        keys = tuple(CHANGE_LABELS)
        return {k: (self.frozen.get(k), self.current.get(k)) for k in keys if self.frozen.get(k) != self.current.get(k)}


RECALCULABLE = frozenset({S.SUBMITTED, S.RETURNED, *workflow.REVIEW_STATUSES, S.APPROVED})


def application_recalculation_preview(*, application: Application) -> Recalculation:
    """The frozen Decision beside what the current policy tables would decide."""
    decision = decide(
        rule_id=application.rule_id, year=application.policy_year, facts=application.facts, strict=False
    ).decision
    return Recalculation(frozen=application.decision, current=decision.to_dict())


@transaction.atomic
def application_recalculate(*, user: User, application: Application, comment: str = "") -> Recalculation:
    """Staff accept the current policy tables' Decision for this application; recorded with the difference."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in RECALCULABLE:
        raise ApplicationError(NOT_RECALCULABLE.format(status=ApplicationStatus(application.status).label))
    if not (workflow.may_review(user, application) or (application.status == S.APPROVED and is_district_staff(user))):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="重新计算"))
    held_by = workflow.is_held(application)
    if held_by:  # the batch was prepared with this amount: cancel the batch first
        raise TransitionNotAllowed(workflow.HELD.format(batch=held_by, action="重新计算"))
    preview = application_recalculation_preview(application=application)
    if preview.changes:
        application.decision = preview.current
        application.amount = Decimal(preview.current["amount"])
        due = preview.current["dates"].get("payout_due")
        application.payout_due = date.fromisoformat(due) if due else None
        application.save(update_fields=["decision", "amount", "payout_due", "updated_at"])
        save_shares(application)
    record_event(
        application,
        action="recalculate",
        from_status=application.status,
        to_status=application.status,
        actor=user,
        comment=comment,
        data={"changes": {k: list(v) for k, v in preview.changes.items()}},
    )
    return preview
