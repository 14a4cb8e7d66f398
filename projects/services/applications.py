"""Applications: submit, move through the transition table, recalculate.

Every status change is `check_transition` (permissions, state, reasons —
raises with a Chinese message) followed by `do_transition` (write, record the
event, release quotas, notify) on a row locked with SELECT … FOR UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Member, Organisation, User
from members.services import organisation_street
from projects import workflow
from projects.models import (
    INACTIVE_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationShare,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    Offering,
)
from projects.procedures import PROCEDURES, Applicant, Procedure, procedure_for
from projects.selectors import LOCKED_PROFILE_FACTS, member_profile, organisation_profile
from subsidies.rules import registry
from subsidies.rules.core import Decision, Outcome
from subsidies.rules.facts import Facts
from subsidies.selectors import policy_data, reference_data

from .attachments import AttachmentUpload, StoredFiles, store_attachments
from .errors import ApplicationError, TransitionNotAllowed
from .notifications import applicant_users, notify
from .offerings import check_offering
from .quotas import quota_claim, quota_pool_for, quota_release

S = ApplicationStatus

NOT_APPLICABLE = "“{title}”无需在线申请。"
MEMBER_ONLY = "“{title}”由会员本人申请。"
ORGANISATION_ONLY = "“{title}”由单位或工会组织申请。"
NOT_YOUR_ORGANISATION = "您只能为本人所在的组织申请。"
NOT_ELIGIBLE = "不符合申请条件：{reasons}"
NOT_YET_OPEN = "尚未开始受理。{window}"
INCOMPLETE = "还需补充：{reasons}"
PROOFS_MISSING = "请上传以下材料：{kinds}。"
NOT_RECALCULABLE = "当前状态为“{status}”，不能重新计算。"
NOT_EDITABLE = "只有草稿或退回补正的申请可以修改。"


def facts_to_json(facts: Facts | Mapping[str, Any]) -> dict[str, Any]:
    plain = {}
    for name, value in facts.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        plain[name] = value
    return plain


def authoritative_facts(rule, *, member: Member | None, organisation: Organisation | None,
                        today: date) -> dict[str, Any]:
    """Facts the applicant may not choose: today's date, what the member or
    organisation record already says (see selectors.LOCKED_PROFILE_FACTS), and
    what the project app's records say (Procedure.locked_facts)."""
    profile = member_profile(member, today) if member is not None else organisation_profile(organisation)
    locked = {}
    for fact in rule.schema:
        if fact.profile == "today":
            locked[fact.name] = today
        elif fact.profile in LOCKED_PROFILE_FACTS and profile.get(fact.profile) is not None:
            locked[fact.name] = profile[fact.profile]
    procedure = PROCEDURES.get(rule.rule_id)
    if procedure is not None and procedure.locked_facts is not None:
        extra = procedure.locked_facts(member, organisation, rule.policy_year)
        locked.update({name: value for name, value in extra.items() if name in rule.schema and value is not None})
    return locked


def _decide(rule_id: str, policy_year: int, raw: Mapping[str, Any], *, strict: bool,
            locked: Mapping[str, Any] | None = None, partial: bool = False) -> tuple[Any, Facts, Decision]:
    rule = registry.get(rule_id, policy_year)
    # FactsError names each bad field; a draft may leave required facts empty.
    facts = rule.schema.parse({**raw, **(locked or {})}, strict=strict, partial=partial)
    decision = rule.decide(facts, rule.context(policy_data(policy_year), reference_data()))
    return rule, facts, decision


def _refuse_unless_eligible(decision: Decision) -> None:
    if decision.outcome is Outcome.ELIGIBLE:
        return
    failed = [r.message for r in decision.failed]
    if decision.outcome is Outcome.NOT_YET_OPEN:
        window = decision.window.describe() if decision.window else ""
        raise ApplicationError(NOT_YET_OPEN.format(window=window), reasons=failed)
    if decision.outcome is Outcome.INCOMPLETE:
        unknown = [r.message for r in decision.unknown]
        raise ApplicationError(INCOMPLETE.format(reasons="；".join(unknown)), reasons=unknown)
    raise ApplicationError(NOT_ELIGIBLE.format(reasons="；".join(failed)), reasons=failed)


def _check_applicant(rule, procedure: Procedure, user: User, member: Member | None, organisation: Organisation | None) -> None:
    if not procedure.applicable:
        raise ApplicationError(NOT_APPLICABLE.format(title=rule.title))
    if rule.applicant == "member":
        if member is None or organisation is not None:
            raise ApplicationError(MEMBER_ONLY.format(title=rule.title))
        if member.user_id != user.pk or not member.is_active:
            raise ApplicationError(NOT_YOUR_ORGANISATION)
    else:
        if organisation is None or member is not None:
            raise ApplicationError(ORGANISATION_ONLY.format(title=rule.title))
        # A unit applies through its own staff; a street union may apply for its units (e.g. legal check-ups).
        own = user.is_staff and user.organisation_id == organisation.pk
        street_for_unit = user.is_staff and user.role == "street" and organisation.street_id == user.organisation_id
        if not (own or street_for_unit or user.is_superuser):
            raise ApplicationError(NOT_YOUR_ORGANISATION)


def _scope_of(member: Member | None, organisation: Organisation | None) -> tuple[Organisation, Organisation | None]:
    if member is not None:
        return member.organisation, member.street
    return organisation, organisation_street(organisation)


def _record(application: Application, *, action: str, from_status: str, to_status: str, actor: User | None,
            comment: str = "", level: str = "", data: dict | None = None) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, action=action, from_status=from_status, to_status=to_status, actor=actor,
        comment=comment, level=level, data=data or {},
    )


# The amount column holds 12 digits (10 before the point): larger is refused, never a 500.
AMOUNT_LIMIT = Decimal("9999999999.99")
AMOUNT_TOO_LARGE = "计算金额超出系统上限，请核对填写的数量。"


def auto_approve_ceiling(procedure: Procedure, policy_year: int) -> Decimal:
    if procedure.auto_approve_ceiling is None:
        return Decimal("0.00")
    return policy_data(policy_year).value(procedure.auto_approve_ceiling)


def review_chain_for(procedure: Procedure, decision: Decision, policy_year: int) -> list[str]:
    """The procedure's chain; a booking above its auto-approve ceiling is reviewed by the district first."""
    chain = list(procedure.review_chain(decision))
    if not chain and decision.amount > auto_approve_ceiling(procedure, policy_year):
        chain = [workflow.ReviewLevel.DISTRICT.value]
    return chain


def _freeze(application: Application, facts: Facts, decision: Decision, procedure: Procedure) -> None:
    if decision.amount > AMOUNT_LIMIT:
        raise ApplicationError(AMOUNT_TOO_LARGE)
    application.facts = facts_to_json(facts)
    application.decision = decision.to_dict()
    application.amount = decision.amount
    application.review_chain = review_chain_for(procedure, decision, application.policy_year)
    application.payout_due = decision.date("payout_due")


def _save_shares(application: Application) -> None:
    """Mirror the frozen split into ApplicationShare rows (totals by payer without reading JSON)."""
    application.shares.all().delete()
    ApplicationShare.objects.bulk_create([
        ApplicationShare(application=application, payer=share["payer"], amount=Decimal(share["amount"]))
        for share in application.decision.get("split", ())
    ])


def _claim_quotas(application: Application, procedure: Procedure) -> None:
    held = set(application.quota_claims.values_list("pool_id", flat=True))  # a resubmission keeps its places
    places = int(application.facts.get(procedure.places_fact) or 1) if procedure.places_fact else 1
    if application.offering_id is not None and application.offering.quota_id not in held:
        quota_claim(pool=application.offering.quota, application=application, places=places)
    if procedure.quotas is None:
        return
    applicant = Applicant(application.applicant_member_id, application.applicant_organisation_id,
                          application.policy_year)
    data = policy_data(application.policy_year)
    for spec in procedure.quotas(applicant, application.facts):
        pool = quota_pool_for(spec, project=application.project, policy_year=application.policy_year, data=data)
        if pool.pk not in held:
            quota_claim(pool=pool, application=application)


def _require_proofs(application: Application, procedure: Procedure) -> None:
    if not procedure.proofs:
        return
    present = set(application.attachments.values_list("kind", flat=True))
    missing = [kind for kind in procedure.proofs if kind not in present]
    if missing:
        labels = "、".join(str(AttachmentKind(kind).label) for kind in missing)
        raise ApplicationError(PROOFS_MISSING.format(kinds=labels), field="attachments")


def application_submit(
    *,
    user: User,
    rule_id: str,
    policy_year: int,
    facts: Mapping[str, Any],
    member: Member | None = None,
    organisation: Organisation | None = None,
    uploads: Sequence[AttachmentUpload] = (),
    draft: bool = False,
    strict: bool = False,
    offering: Offering | None = None,
) -> Application:
    """Create an application (a draft, or submitted and routed to its first review level).

    Raises FactsError (bad facts, by field), ApplicationError (not eligible, not
    open, duplicate, proofs missing) or QuotaFull. Nothing is saved on error,
    neither rows nor uploaded files.
    """
    with StoredFiles() as files, transaction.atomic():
        return _application_submit(user=user, rule_id=rule_id, policy_year=policy_year, facts=facts, member=member,
                                   organisation=organisation, uploads=uploads, draft=draft, strict=strict,
                                   offering=offering, files=files)


EARLIER_APPLICATION = "{message}（已有申请：{reference}，{status}）"


def _duplicate_message(procedure: Procedure, application: Application) -> str:
    """The procedure's refusal, naming the earlier application that holds the key."""
    earlier = (Application.objects.filter(rule_id=application.rule_id, dedup_key=application.dedup_key)
               .exclude(status__in=INACTIVE_STATUSES).exclude(pk=application.pk).first())
    if earlier is None or earlier.reference is None:
        return procedure.dedup_message
    return EARLIER_APPLICATION.format(message=procedure.dedup_message, reference=earlier.reference,
                                      status=earlier.get_status_display())


def _application_submit(*, user, rule_id, policy_year, facts, member, organisation, uploads, draft, strict,
                        offering, files: StoredFiles) -> Application:
    try:
        rule = registry.get(rule_id, policy_year)
    except registry.UnknownRule as exc:
        raise ApplicationError(str(exc)) from None
    procedure = procedure_for(rule_id)
    _check_applicant(rule, procedure, user, member, organisation)
    check_offering(offering=offering, rule_id=rule_id, policy_year=policy_year, required=procedure.offering == "required",
                  now=timezone.now())
    locked = authoritative_facts(rule, member=member, organisation=organisation, today=timezone.localdate())
    if offering is not None:
        locked.update(offering.facts)  # the offering fixes its plan, date, … for everyone who books it
    rule, parsed, decision = _decide(rule_id, policy_year, facts, strict=strict, locked=locked, partial=draft)
    if not draft:
        _refuse_unless_eligible(decision)
    scope_org, street = _scope_of(member, organisation)
    application = Application(
        project=rule.project, rule_id=rule_id, policy_year=policy_year, applicant_member=member,
        applicant_organisation=organisation, organisation=scope_org, street=street, status=S.DRAFT, created_by=user,
        offering=offering,
    )
    _freeze(application, parsed, decision, procedure)
    applicant = Applicant(member.pk if member else None, organisation.pk if organisation else None, policy_year)
    if procedure.dedup is not None:
        application.dedup_key = procedure.dedup(applicant, application.facts)
    elif offering is not None:
        # One booking per offering (the key keeps its original spelling: stored keys must keep matching).
        application.dedup_key = f"{applicant.key}:session:{offering.pk}"
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ApplicationError(_duplicate_message(procedure, application)) from None
    application.reference = f"JD{policy_year}{application.pk:08d}"
    application.save(update_fields=["reference"])
    _save_shares(application)
    _record(application, action="create", from_status="", to_status=S.DRAFT, actor=user,
            data={"decision": decision.outcome.value, "amount": str(decision.amount)})
    store_attachments(application=application, user=user, uploads=uploads, files=files)
    if not draft:
        _submit(application, procedure, user)
    return application


def _submit(application: Application, procedure: Procedure, user: User) -> None:
    _require_proofs(application, procedure)
    if procedure.on_submit is not None:
        procedure.on_submit(application)
    _claim_quotas(application, procedure)
    transition = workflow.TRANSITIONS["submit"]
    do_transition(user=user, application=application, transition=transition)
    do_transition(user=None, application=application, transition=workflow.TRANSITIONS["route"])


def application_resubmit(*, user: User, application: Application, facts: Mapping[str, Any],
                         uploads: Sequence[AttachmentUpload] = ()) -> Application:
    """A draft or a returned application, corrected by the applicant and submitted again."""
    with StoredFiles() as files, transaction.atomic():
        return _application_resubmit(user=user, application=application, facts=facts, uploads=uploads, files=files)


def _application_resubmit(*, user, application, facts, uploads, files: StoredFiles) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    transition = check_transition(user=user, application=application, action="submit")
    rule = registry.get(application.rule_id, application.policy_year)
    locked = authoritative_facts(rule, member=application.applicant_member,
                                 organisation=application.applicant_organisation, today=timezone.localdate())
    if application.offering_id is not None:
        locked.update(application.offering.facts)
    rule, parsed, decision = _decide(application.rule_id, application.policy_year, facts, strict=False, locked=locked)
    _refuse_unless_eligible(decision)
    procedure = procedure_for(application.rule_id)
    _freeze(application, parsed, decision, procedure)
    application.save(update_fields=["facts", "decision", "amount", "review_chain", "payout_due", "updated_at"])
    _save_shares(application)
    store_attachments(application=application, user=user, uploads=uploads, files=files)
    _require_proofs(application, procedure)
    if procedure.on_submit is not None:
        procedure.on_submit(application)
    _claim_quotas(application, procedure)
    do_transition(user=user, application=application, transition=transition)
    do_transition(user=None, application=application, transition=workflow.TRANSITIONS["route"])
    return application


def check_transition(*, user: User | None, application: Application, action: str, comment: str = ""
                     ) -> workflow.Transition:
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"未知操作：{action}")
    if application.status not in transition.sources:
        raise TransitionNotAllowed(workflow.NOT_ALLOWED_FROM.format(
            status=ApplicationStatus(application.status).label, action=transition.label))
    if (transition.actor == workflow.REVIEWER and user is not None and user.is_authenticated
            and workflow.on_applicant_side(user, application)):
        raise TransitionNotAllowed(workflow.OWN_APPLICATION)
    if not workflow.may_perform(user, application, transition):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action=transition.label))
    if transition.needs_reason and not comment.strip():
        raise TransitionNotAllowed(workflow.REASON_REQUIRED.format(action=transition.label), field="comment")
    if transition.action == "approve":
        _check_segregation(user, application)
    return transition


def _check_segregation(user: User, application: Application) -> None:
    """Whoever approved at one level may not approve at the next level of the same round. A return
    and resubmission starts a new round: the same reviewer may approve their level again."""
    previous = workflow.previous_level(application)
    if previous is None:
        return
    round_start = (application.events.filter(action="submit").order_by("-pk").values_list("pk", flat=True).first()
                   or 0)
    if application.events.filter(action="approve", actor=user, level=previous, pk__gt=round_start).exists():
        raise TransitionNotAllowed(workflow.SAME_REVIEWER.format(level=workflow.ReviewLevel(previous).label))


def do_transition(*, user: User | None, application: Application, transition: workflow.Transition,
                  comment: str = "", data: dict | None = None) -> Application:
    """Write a transition that check_transition allowed. The caller holds the row lock."""
    from_status = application.status
    level = workflow.current_level(application)
    to_status = workflow.target_status(transition, application)
    application.status = to_status
    application._history_user = user  # the audit names the actor, in a request or in a task
    now = timezone.now()
    application.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if transition.action == "submit":
        application.submitted_at = now
        fields.append("submitted_at")
    if to_status in (S.APPROVED, S.REJECTED):
        application.decided_at = now
        fields.append("decided_at")
    if to_status == S.PAID:
        application.paid_at = now
        fields.append("paid_at")
    application.save(update_fields=fields)
    if transition.action == "route" and workflow.skipped_levels(application):
        skipped = [str(workflow.ReviewLevel(lv).label) for lv in workflow.skipped_levels(application)]
        data = {**(data or {}), "skipped_levels": workflow.skipped_levels(application)}
        comment = comment or f"申请方为{'、'.join(skipped)}，本级不审核自己提出的申请"
    _record(application, action=transition.action, from_status=from_status, to_status=to_status, actor=user,
            comment=comment.strip(), level=level.value if level else "", data=data)
    if to_status in (S.WITHDRAWN, S.REJECTED):
        quota_release(application=application)
    if to_status == S.APPROVED:
        on_approved = PROCEDURES[application.rule_id].on_approved
        if on_approved is not None:
            on_approved(application)
    _notify_applicant(application, transition, to_status, comment)
    return application


_NOTIFY_ON = {
    "route": "您的申请 {ref} 已提交，{status}。",
    "approve": "您的申请 {ref} 已通过{level}审核，{status}。",
    "return": "您的申请 {ref} 被退回补正。",
    "reject": "您的申请 {ref} 未通过审核。",
    "mark_paid": "您的申请 {ref} 已给付。",
}


def _notify_applicant(application: Application, transition: workflow.Transition, to_status: str, comment: str) -> None:
    template = _NOTIFY_ON.get(transition.action)
    if template is None:
        return
    level = ""
    if transition.action == "approve":
        last = application.events.filter(action="approve").order_by("-pk").first()
        level = workflow.ReviewLevel(last.level).label if last and last.level else ""
    title = template.format(ref=application.reference, status=ApplicationStatus(to_status).label, level=level)
    notify(recipients=applicant_users(application), title=title, body=comment, application=application)


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related(
        "applicant_member", "applicant_member__user", "created_by").get(pk=application.pk)


@transaction.atomic
def application_transition(*, user: User, application: Application, action: str, comment: str = "") -> Application:
    """Check and perform one transition (approve, return, reject, withdraw, cancel, close).

    The payout steps (batch, unbatch, mark_paid) are not doors of one application: they go
    through payout batches (application_payout_step), one person preparing, another confirming."""
    if action in ("submit", "route"):
        raise TransitionNotAllowed("请使用提交申请功能。")
    transition = workflow.TRANSITIONS.get(action)
    if transition is not None and transition.actor == workflow.PAYOUTS:
        raise TransitionNotAllowed(workflow.PAYOUTS_ONLY.format(action=transition.label))
    locked = _lock(application)
    transition = check_transition(user=user, application=locked, action=action, comment=comment)
    return do_transition(user=user, application=locked, transition=transition, comment=comment)


def application_payout_step(*, user: User, application: Application, action: str, comment: str = "",
                            data: dict | None = None) -> Application:
    """batch / unbatch / mark_paid, for the payouts app alone (inside its batch's transaction,
    after its own maker-checker checks)."""
    transition = workflow.TRANSITIONS[action]
    if transition.actor != workflow.PAYOUTS:
        raise TransitionNotAllowed(f"未知操作：{action}")
    locked = _lock(application)
    check_transition(user=user, application=locked, action=action, comment=comment)
    return do_transition(user=user, application=locked, transition=transition, comment=comment, data=data)


@dataclass(frozen=True)
class Recalculation:
    frozen: dict[str, Any]
    current: dict[str, Any]

    @property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        keys = ("outcome", "amount", "split", "dates", "route")
        return {k: (self.frozen.get(k), self.current.get(k)) for k in keys if self.frozen.get(k) != self.current.get(k)}


RECALCULABLE = frozenset({S.SUBMITTED, S.RETURNED, *workflow.REVIEW_STATUSES, S.APPROVED})


def application_recalculation_preview(*, application: Application) -> Recalculation:
    """The frozen Decision beside what the current policy tables would decide."""
    _, _, decision = _decide(application.rule_id, application.policy_year, application.facts, strict=False)
    return Recalculation(frozen=application.decision, current=decision.to_dict())


@transaction.atomic
def application_recalculate(*, user: User, application: Application, comment: str = "") -> Recalculation:
    """Staff accept the current policy tables' Decision for this application; recorded with the difference."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in RECALCULABLE:
        raise ApplicationError(NOT_RECALCULABLE.format(status=ApplicationStatus(application.status).label))
    if not (workflow.may_review(user, application) or (
            application.status == S.APPROVED and workflow.in_scope(user, application)
            and (user.is_superuser or user.role == "district"))):
        raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="重新计算"))
    preview = application_recalculation_preview(application=application)
    if preview.changes:
        application.decision = preview.current
        application.amount = Decimal(preview.current["amount"])
        due = preview.current["dates"].get("payout_due")
        application.payout_due = date.fromisoformat(due) if due else None
        application.save(update_fields=["decision", "amount", "payout_due", "updated_at"])
        _save_shares(application)
    _record(application, action="recalculate", from_status=application.status, to_status=application.status,
            actor=user, comment=comment, data={"changes": {k: list(v) for k, v in preview.changes.items()}})
    return preview


def attachment_add(*, user: User, application: Application, upload: AttachmentUpload) -> Attachment:
    with StoredFiles() as files, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not workflow.is_applicant(user, application):
            raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="上传材料"))
        if application.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED, *workflow.REVIEW_STATUSES):
            raise ApplicationError("已审结的申请不能再上传材料。")
        return store_attachments(application=application, user=user, uploads=[upload], files=files)[0]
