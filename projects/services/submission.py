"""Submitting an application: one sequence for a new application and for a corrected one.

The sequence: check the applicant and the offering, lock what the applicant may not choose
(projects.selectors.locked_facts), decide (subsidies.selectors.decide — the only place a
rule is decided), refuse unless eligible, freeze facts + Decision + split by payer, store the
proofs, require the procedure's proofs, run its on_submit hook, claim its quotas, and move
draft/returned → submitted → the first review level (projects.services.transitions).
Nothing is saved on error, neither rows nor uploaded files.

A new application (a booking above all) reads before it writes: every refusal — not eligible,
once-only key held, proofs missing, a full pool — is answered before the first write; the places
are taken with the conditional UPDATE as the first write, then the application is written once
with its final status (one history row), its claims, shares and events in one INSERT each, and
the notification after the commit (submission_prepare → submission_check_room →
submission_take_places → submission_write; the first-come queue's allocator runs the same steps,
taking a batch's places with one UPDATE: projects.services.queue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jiading_union.bulk import reserve_ids
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
    QuotaClaim,
    QuotaPool,
)
from projects.procedures import Applicant, Procedure, procedure_for
from projects.selectors import locked_facts
from subsidies.rules import registry
from subsidies.rules.core import Decision, Outcome
from subsidies.rules.facts import Facts
from subsidies.selectors import Decided, decide, policy_data, policy_snapshot

from .attachments import AttachmentUpload, StoredFiles, store_attachments
from .errors import ApplicationError, QuotaFull, TransitionNotAllowed
from .offerings import check_offering
from .quotas import POOL_FULL, check_pool_open, quota_check_room, quota_claim, quota_pool_for, quota_take
from .transitions import TRANSITIONS, after_move, check_transition, do_transition, move, notify_moved, record_event

S = ApplicationStatus

NOT_APPLICABLE = "“{title}”无需在线申请。"
MEMBER_ONLY = "“{title}”由会员本人申请。"
ORGANISATION_ONLY = "“{title}”由单位或工会组织申请。"
NOT_YOUR_ORGANISATION = "您只能为本人所在的组织申请。"
NOT_ELIGIBLE = "不符合申请条件：{reasons}"
NOT_YET_OPEN = "尚未开始受理。{window}"
INCOMPLETE = "还需补充：{reasons}"
NOT_YET_IN_FORCE = "{year}年度政策自{day}起施行，届时再申请。"
NOT_IN_YEAR = "{year}年度政策没有“{title}”这一项，请从“我可以申请的”重新选择。"
NO_SUCH_BENEFIT = "没有这一申请项目，请从“我可以申请的”重新选择。"
PROOFS_MISSING = "请上传以下材料：{kinds}。"
NOT_EDITABLE = "只有草稿或退回补正的申请可以修改。"
ONLY_DRAFTS = "只有尚未提交的草稿可以再次保存为草稿。"
ATTACH_CLOSED = "已审结的申请不能再上传材料。"
RECORD_MISSING = "系统中没有您的{labels}记录，暂不能受理。如有疑问，请联系所在工会。"


def facts_to_json(facts: Facts | Mapping[str, Any]) -> dict[str, Any]:
    plain = {}
    for name, value in facts.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        plain[name] = value
    return plain


def _refuse_unless_eligible(decision: Decision) -> None:
    """Eligible, or eligible so far with only reviewer facts to come (PENDING_REVIEW)."""
    if decision.outcome.may_apply:
        return
    failed = [r.message for r in decision.failed]
    if decision.outcome is Outcome.NOT_YET_OPEN:
        window = decision.window.describe() if decision.window else ""
        raise ApplicationError(NOT_YET_OPEN.format(window=window), reasons=failed)
    if decision.outcome is Outcome.INCOMPLETE:
        unknown = [r.message for r in decision.unknown]
        raise ApplicationError(INCOMPLETE.format(reasons="；".join(unknown)), reasons=unknown)
    raise ApplicationError(NOT_ELIGIBLE.format(reasons="；".join(failed)), reasons=failed)


def _check_applicant(
    rule, procedure: Procedure, user: User, member: Member | None, organisation: Organisation | None
) -> None:
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


# The amount column holds 12 digits (10 before the point): larger is refused, never a 500.
AMOUNT_LIMIT = Decimal("9999999999.99")
AMOUNT_TOO_LARGE = "计算金额超出系统上限，请核对填写的数量。"


def auto_approve_ceiling(procedure: Procedure, policy_year: int) -> Decimal:
    if procedure.auto_approve_ceiling is None:
        return Decimal("0.00")
    return policy_data(policy_year).value(procedure.auto_approve_ceiling)


def review_chain_for(procedure: Procedure, decision: Decision, policy_year: int) -> list[str]:
    """The procedure's chain; a booking above its auto-approve ceiling is reviewed by the district first."""
    # A chain held in the policy data is read from the year's current data (overrides included),
    # the same data the decision was made with: what the member reads is where the application goes.
    data = policy_data(policy_year) if callable(procedure.chain) else None
    chain = list(procedure.review_chain(decision, data))
    if not chain and decision.amount > auto_approve_ceiling(procedure, policy_year):
        chain = [workflow.ReviewLevel.DISTRICT.value]
    return chain


def freeze(application: Application, decided: Decided, procedure: Procedure | None) -> None:
    """Facts, Decision and amount onto the application (the review chain too, at submission; a
    reviewer supplying facts later passes procedure=None and keeps the chain)."""
    facts, decision = decided.facts, decided.decision
    if decision.amount > AMOUNT_LIMIT:
        raise ApplicationError(AMOUNT_TOO_LARGE)
    application.facts = facts_to_json(facts)
    application.decision = decision.to_dict()
    application.amount = decision.amount
    if procedure is not None:
        application.review_chain = review_chain_for(procedure, decision, application.policy_year)
        # Who established each fact: the union's records, or the applicant.
        application.fact_sources = {
            f.name: {"source": f.source}
            for f in decided.rule.schema
            if facts.get(f.name) is not None and f.source != "reviewer"
        }
    application.payout_due = decision.date("payout_due")


def save_shares(application: Application) -> None:
    """Mirror the frozen split into ApplicationShare rows (totals by payer without reading JSON)."""
    application.shares.all().delete()
    ApplicationShare.objects.bulk_create(
        [
            ApplicationShare(application=application, payer=share["payer"], amount=Decimal(share["amount"]))
            for share in application.decision.get("split", ())
        ]
    )


def _claim_quotas(application: Application, procedure: Procedure) -> None:
    held = set(application.quota_claims.values_list("pool_id", flat=True))  # a resubmission keeps its places
    places = int(application.facts.get(procedure.places_fact) or 1) if procedure.places_fact else 1
    if application.offering_id is not None and application.offering.quota_id not in held:
        quota_claim(pool=application.offering.quota, application=application, places=places)
    if procedure.quotas is None:
        return
    applicant = Applicant(
        application.applicant_member_id, application.applicant_organisation_id, application.policy_year
    )
    data = policy_data(application.policy_year)
    for spec in procedure.quotas(applicant, application.facts, data):
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


EARLIER_APPLICATION = "{message}（已有申请：{reference}，{status}）"


def _duplicate_message(procedure: Procedure, application: Application) -> str:
    """The procedure's refusal, naming the earlier application that holds the key."""
    earlier = (
        Application.objects.filter(rule_id=application.rule_id, dedup_key=application.dedup_key)
        .exclude(status__in=INACTIVE_STATUSES)
        .exclude(pk=application.pk)
        .first()
    )
    if earlier is None or earlier.reference is None:
        return procedure.dedup_message
    return EARLIER_APPLICATION.format(
        message=procedure.dedup_message, reference=earlier.reference, status=earlier.get_status_display()
    )


@dataclass
class Submission:
    """An application decided and built in memory, not yet written (submission_prepare)."""

    application: Application
    procedure: Procedure
    decided: Decided
    places: dict[int, int] = field(default_factory=dict)  # pool id → places to take
    pools: dict[int, QuotaPool] = field(default_factory=dict)


def submission_prepare(
    *,
    user: User,
    rule_id: str,
    policy_year: int,
    facts: Mapping[str, Any],
    member: Member | None = None,
    organisation: Organisation | None = None,
    offering: Offering | None = None,
    profile: dict[str, Any] | None = None,
    strict: bool = False,
    draft: bool = False,
) -> Submission:
    """Every check of a submission that only reads: the applicant, the offering, the decision
    (refused unless eligible), the once-only key, and which pools it takes places from."""
    try:
        rule = registry.get(rule_id, policy_year)
    except registry.UnknownRule:
        raise ApplicationError(_no_such_rule(rule_id, policy_year)) from None
    _refuse_before_in_force(policy_year)
    procedure = procedure_for(rule_id)
    _check_applicant(rule, procedure, user, member, organisation)
    check_offering(
        offering=offering,
        rule_id=rule_id,
        policy_year=policy_year,
        required=procedure.offering == "required",
        now=timezone.now(),
    )
    decided = _decide(
        rule,
        facts,
        member=member,
        organisation=organisation,
        offering=offering,
        profile=profile,
        strict=strict,
        partial=draft,
    )
    if not draft:
        _refuse_unless_eligible(decided.decision)
    scope_org, street = _scope_of(member, organisation)
    application = Application(
        project=rule.project,
        rule_id=rule_id,
        policy_year=policy_year,
        applicant_member=member,
        applicant_organisation=organisation,
        organisation=scope_org,
        street=street,
        status=S.DRAFT,
        created_by=user,
        offering=offering,
    )
    freeze(application, decided, procedure)
    applicant = Applicant(member.pk if member else None, organisation.pk if organisation else None, policy_year)
    if procedure.dedup is not None:
        application.dedup_key = procedure.dedup(applicant, application.facts)
    elif offering is not None:
        # One booking per offering (the key keeps its original spelling: stored keys must keep matching).
        application.dedup_key = f"{applicant.key}:session:{offering.pk}"
    submission = Submission(application=application, procedure=procedure, decided=decided)
    if not draft:
        _refuse_duplicate(submission)
        _plan_quotas(submission)
    return submission


def _refuse_duplicate(submission: Submission) -> None:
    """A read before any write; the partial unique constraint still decides a race (submission_write)."""
    application = submission.application
    if application.dedup_key is None:
        return
    if (
        Application.objects.filter(rule_id=application.rule_id, dedup_key=application.dedup_key)
        .exclude(status__in=INACTIVE_STATUSES)
        .exists()
    ):
        raise ApplicationError(_duplicate_message(submission.procedure, application))


def _plan_quotas(submission: Submission) -> None:
    """The pools a new application takes places from, and how many (as _claim_quotas claims them)."""
    application, procedure = submission.application, submission.procedure
    places = int(application.facts.get(procedure.places_fact) or 1) if procedure.places_fact else 1
    if application.offering_id is not None:
        submission.places[application.offering.quota_id] = places
    if procedure.quotas is not None:
        applicant = Applicant(
            application.applicant_member_id, application.applicant_organisation_id, application.policy_year
        )
        data = policy_data(application.policy_year)
        for spec in procedure.quotas(applicant, application.facts, data):
            pool = quota_pool_for(spec, project=application.project, policy_year=application.policy_year, data=data)
            submission.places.setdefault(pool.pk, 1)
            submission.pools[pool.pk] = pool  # just read: its remaining places need no second read


def submission_check_room(submission: Submission, *, exclude: frozenset[int] = frozenset()) -> None:
    """Read the pools' remaining places (those not just read by _plan_quotas): a full pool refuses
    (QuotaFull) before anything is written."""
    wanted = {pk: n for pk, n in submission.places.items() if pk not in exclude}
    unread = {pk: n for pk, n in wanted.items() if pk not in submission.pools}
    if unread:
        submission.pools.update(quota_check_room(pools=unread))
    now = timezone.now()
    for pk, places in wanted.items():
        pool = submission.pools[pk]
        check_pool_open(pool, now)
        if pool.capacity - pool.taken < places:
            raise QuotaFull(POOL_FULL.format(label=pool.label, capacity=pool.capacity))


def submission_take_places(submission: Submission, *, exclude: frozenset[int] = frozenset()) -> None:
    """The first write: one conditional UPDATE per pool, in pk order (concurrent bookings never deadlock)."""
    for pk in sorted(submission.places):
        if pk not in exclude:
            quota_take(pool=submission.pools[pk], places=submission.places[pk])


def _reserve_application_ids(count: int) -> list[int] | None:
    """The new applications' ids before they are inserted, so each reference goes into the same
    INSERT: PostgreSQL's sequence; on SQLite the next AUTOINCREMENT values (safe: the embedded
    default's transactions are IMMEDIATE, so no other writer runs until this one commits)."""
    if connection.vendor == "postgresql":
        return reserve_ids(Application, count)
    if connection.vendor == "sqlite":
        table = Application._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(seq) FROM (SELECT seq FROM sqlite_sequence WHERE name = %s "
                f"UNION ALL SELECT MAX(id) FROM {table})",
                [table],
            )
            first = (cursor.fetchone()[0] or 0) + 1
        return list(range(first, first + count))
    return None


def _insert(applications: list[Application]) -> None:
    """One INSERT of the applications carrying their references, one of their history rows (each
    names its `_history_user`). IntegrityError: a once-only key was taken meanwhile."""
    pks = _reserve_application_ids(len(applications))
    if pks is None:  # another database: saved one by one, numbered from the id it gave
        for application in applications:
            application.save(force_insert=True)
            application.reference = f"JD{application.policy_year}{application.pk:08d}"
            application.save(update_fields=["reference"])
        return
    for application, pk in zip(applications, pks, strict=True):
        application.pk = pk
        application.reference = f"JD{application.policy_year}{pk:08d}"
    with transaction.atomic():
        Application.objects.bulk_create(applications)
        Application.history.bulk_history_create(applications)


def submission_write(
    submission: Submission, *, user: User, uploads: Sequence[AttachmentUpload] = (), files: StoredFiles | None = None
) -> Application:
    """Write a prepared submission whose places are taken (submissions_write for one); a once-only
    key taken meanwhile refuses it by name."""
    try:
        (application,) = submissions_write([(submission, user)], uploads=uploads, files=files)
    except IntegrityError:
        raise ApplicationError(_duplicate_message(submission.procedure, submission.application)) from None
    return application


def submissions_write(
    prepared: Sequence[tuple[Submission, User]],
    *,
    uploads: Sequence[AttachmentUpload] = (),
    files: StoredFiles | None = None,
) -> list[Application]:
    """Write prepared submissions whose places are taken, set-based: each submitted and routed in
    memory, then the applications in one INSERT (one history row each), their claims, shares and
    events in one INSERT each, the proofs (one submission only) and the procedures' hooks; the
    applicants are notified after the commit, in one INSERT. Raises IntegrityError when a once-only
    key was taken meanwhile (the first-come allocator then writes its batch one by one)."""
    if uploads and len(prepared) != 1:
        raise ValueError("uploads belong to one submission")
    applications, claims, shares, events = [], [], [], []
    for submission, user in prepared:
        application, decided = submission.application, submission.decided
        own = [
            ApplicationEvent(
                application=application,
                action="create",
                from_status="",
                to_status=S.DRAFT,
                actor=user,
                data={"decision": decided.decision.outcome.value, "amount": str(decided.decision.amount)},
            )
        ]
        event, _ = move(user=user, application=application, transition=TRANSITIONS["submit"])
        own.append(event)
        event, _ = move(user=None, application=application, transition=TRANSITIONS["route"])
        own.append(event)
        application._history_user = user
        applications.append(application)
        events.extend(own)
        claims.extend(
            QuotaClaim(pool_id=pk, application=application, places=places)
            for pk, places in sorted(submission.places.items())
        )
        shares.extend(
            ApplicationShare(application=application, payer=share["payer"], amount=Decimal(share["amount"]))
            for share in application.decision.get("split", ())
        )
    _insert(applications)
    QuotaClaim.objects.bulk_create(claims)
    ApplicationShare.objects.bulk_create(shares)
    ApplicationEvent.objects.bulk_create(events)
    route = TRANSITIONS["route"]
    if uploads:
        ((submission, user),) = prepared
        store_attachments(application=submission.application, user=user, uploads=uploads, files=files)
    for (submission, _user), application in zip(prepared, applications, strict=True):
        if submission.procedure.on_submit is not None:
            submission.procedure.on_submit(application)
        after_move(application, route, notify=False)
    routed = {application.pk: event.comment for application, event in zip(applications, events[2::3], strict=True)}
    transaction.on_commit(lambda: notify_moved(applications, route, comments=routed))
    return applications


def _require_uploaded_proofs(procedure: Procedure, uploads: Sequence[AttachmentUpload]) -> None:
    """A new application's proofs are its uploads: refused before anything is written."""
    present = {upload.kind for upload in uploads}
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
    profile: dict[str, Any] | None = None,
) -> Application:
    """Create an application: a draft, or submitted and routed to its first review level.

    Every check that only reads comes first (eligibility, once-only key, proofs, remaining places);
    the places are taken with the conditional UPDATE as the first write; the application is then
    written once. `profile` is the applicant's record as projects.selectors.applicant_profile read it
    (pass it when the caller already has it; it is read from the database otherwise). Raises
    FactsError (bad facts, by field), ApplicationError (not eligible, not open, duplicate, proofs
    missing) or QuotaFull.
    """
    # One read of the policy data for every check of this submission (each read is a version query).
    with policy_snapshot(), StoredFiles() as files, transaction.atomic():
        submission = submission_prepare(
            user=user,
            rule_id=rule_id,
            policy_year=policy_year,
            facts=facts,
            member=member,
            organisation=organisation,
            offering=offering,
            profile=profile,
            strict=strict,
            draft=draft,
        )
        if draft:
            return _save_draft(submission, user=user, uploads=uploads, files=files)
        _require_uploaded_proofs(submission.procedure, uploads)
        submission_check_room(submission)
        submission_take_places(submission)
        return submission_write(submission, user=user, uploads=uploads, files=files)


def _save_draft(
    submission: Submission, *, user: User, uploads: Sequence[AttachmentUpload], files: StoredFiles
) -> Application:
    application, decided = submission.application, submission.decided
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ApplicationError(_duplicate_message(submission.procedure, application)) from None
    application.reference = f"JD{application.policy_year}{application.pk:08d}"
    application.save(update_fields=["reference"])
    save_shares(application)
    record_event(
        application,
        action="create",
        from_status="",
        to_status=S.DRAFT,
        actor=user,
        data={"decision": decided.decision.outcome.value, "amount": str(decided.decision.amount)},
    )
    store_attachments(application=application, user=user, uploads=uploads, files=files)
    return application


GRANTED_WITHOUT_APPLICATION = "免申即享：{reason}"


def _no_such_rule(rule_id: str, policy_year: int) -> str:
    from projects.labels import rule_title

    title = rule_title(rule_id)
    if title == rule_id:  # not a benefit of any year: never echo what was typed
        return NO_SUCH_BENEFIT
    return NOT_IN_YEAR.format(year=policy_year, title=title)


def _refuse_before_in_force(policy_year: int) -> None:
    """A published year takes applications from its effective date (midnight Asia/Shanghai), not
    before, whichever page or address the request came through."""
    starts = registry.effective_from(policy_year)
    if starts > timezone.localdate():
        raise ApplicationError(
            NOT_YET_IN_FORCE.format(year=policy_year, day=f"{starts.year}年{starts.month}月{starts.day}日")
        )


def application_grant(
    *, rule_id: str, policy_year: int, member: Member, created_by: User | None, reason: str
) -> Application:
    """A benefit the documents give without an application (免申即享): decided on the records alone,
    frozen, and approved through the workflow as the system, with the clause in its timeline. Refused
    (ApplicationError) unless eligible; never created twice (the procedure's once-only key)."""
    with transaction.atomic():
        rule = registry.get(rule_id, policy_year)
        _refuse_before_in_force(policy_year)
        procedure = procedure_for(rule_id)
        decided = _decide(rule, {}, member=member, organisation=None, offering=None)
        if decided.decision.outcome is not Outcome.ELIGIBLE:
            _refuse_unless_eligible(decided.decision)
            raise ApplicationError(INCOMPLETE.format(reasons="；".join(r.message for r in decided.decision.pending)))
        scope_org, street = _scope_of(member, None)
        application = Application(
            project=rule.project,
            rule_id=rule_id,
            policy_year=policy_year,
            applicant_member=member,
            organisation=scope_org,
            street=street,
            status=S.DRAFT,
            created_by=created_by,
        )
        freeze(application, decided, procedure)
        application.review_chain = []  # nothing to review: the document grants it
        applicant = Applicant(member.pk, None, policy_year)
        if procedure.dedup is not None:
            application.dedup_key = procedure.dedup(applicant, application.facts)
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise ApplicationError(_duplicate_message(procedure, application)) from None
        application.reference = f"JD{policy_year}{application.pk:08d}"
        application.save(update_fields=["reference"])
        save_shares(application)
        record_event(
            application,
            action="create",
            from_status="",
            to_status=S.DRAFT,
            actor=None,
            comment=GRANTED_WITHOUT_APPLICATION.format(reason=reason),
            data={"granted_without_application": True, "recorded_by": created_by.pk if created_by else None},
        )
        _claim_quotas(application, procedure)
        do_transition(user=None, application=application, transition=TRANSITIONS["submit"])
        do_transition(user=None, application=application, transition=TRANSITIONS["route"])
        return application


def application_resubmit(
    *, user: User, application: Application, facts: Mapping[str, Any], uploads: Sequence[AttachmentUpload] = ()
) -> Application:
    """A draft or a returned application, corrected by the applicant and submitted again."""
    with StoredFiles() as files, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        transition = check_transition(user=user, application=application, action="submit")
        rule = registry.get(application.rule_id, application.policy_year)
        decided = _decide(
            rule,
            facts,
            member=application.applicant_member,
            organisation=application.applicant_organisation,
            offering=application.offering,
        )
        _refuse_unless_eligible(decided.decision)
        procedure = procedure_for(application.rule_id)
        freeze(application, decided, procedure)
        application.save(
            update_fields=["facts", "decision", "amount", "review_chain", "payout_due", "fact_sources", "updated_at"]
        )
        save_shares(application)
        store_attachments(application=application, user=user, uploads=uploads, files=files)
        _submit(application, procedure, user, transition)
        return application


def application_draft_save(
    *, user: User, application: Application, facts: Mapping[str, Any], uploads: Sequence[AttachmentUpload] = ()
) -> Application:
    """A draft saved again by its applicant with what has been typed so far: decided on partial facts
    (a bad value is refused by field, a missing one is not), frozen, its proofs stored. Still a draft:
    it claims no places and no reviewer sees it until it is submitted (application_resubmit)."""
    with StoredFiles() as files, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not workflow.is_applicant(user, application):
            raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="保存草稿"))
        if application.status != S.DRAFT:
            raise ApplicationError(ONLY_DRAFTS)
        rule = registry.get(application.rule_id, application.policy_year)
        decided = _decide(
            rule,
            facts,
            member=application.applicant_member,
            organisation=application.applicant_organisation,
            offering=application.offering,
            partial=True,
        )
        application._history_user = user
        freeze(application, decided, procedure_for(application.rule_id))
        application.save(
            update_fields=["facts", "decision", "amount", "review_chain", "payout_due", "fact_sources", "updated_at"]
        )
        save_shares(application)
        store_attachments(application=application, user=user, uploads=uploads, files=files)
        return application


def _decide(
    rule, facts: Mapping[str, Any], *, member, organisation, offering, profile=None, strict=False, partial=False
) -> Decided:
    """Decide on what the applicant alone may state plus the record facts. A record or reviewer
    fact typed by the applicant is dropped; a record fact the records cannot answer is refused
    with a message, never asked of the applicant."""
    typed = rule.schema.typed_by_applicant(facts)
    locked = locked_facts(
        rule, member=member, organisation=organisation, today=timezone.localdate(), profile=profile, typed=typed
    )
    if offering is not None:
        locked.update(offering.facts)  # the offering fixes its plan, date, … for everyone who books it
    if not partial:
        missing = [f.label for f in rule.schema.of_source("record") if f.required and locked.get(f.name) is None]
        if missing:
            raise ApplicationError(RECORD_MISSING.format(labels="、".join(missing)))
    return decide(
        rule_id=rule.rule_id, year=rule.policy_year, facts=typed, locked=locked, strict=strict, partial=partial
    )


def _submit(application: Application, procedure: Procedure, user: User, transition) -> None:
    """The steps every submission shares, after the decision is frozen and the proofs stored."""
    _require_proofs(application, procedure)
    if procedure.on_submit is not None:
        procedure.on_submit(application)
    _claim_quotas(application, procedure)
    do_transition(user=user, application=application, transition=transition)
    do_transition(user=None, application=application, transition=TRANSITIONS["route"])


def attachment_add(*, user: User, application: Application, upload: AttachmentUpload) -> Attachment:
    """A proof added by the applicant while the application is still open."""
    with StoredFiles() as files, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not workflow.is_applicant(user, application):
            raise TransitionNotAllowed(workflow.NOT_YOURS.format(action="上传材料"))
        if application.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED, *workflow.REVIEW_STATUSES):
            raise ApplicationError(ATTACH_CLOSED)
        return store_attachments(application=application, user=user, uploads=[upload], files=files)[0]
