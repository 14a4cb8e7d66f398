"""Reads for applications, entitlements and the member portal."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from members.models import DuesRecord, Member, OrganisationLevel, User
from members.selectors import scope_for
from subsidies.rules import registry
from subsidies.rules.base import Rule
from subsidies.rules.core import Decision, Outcome, WindowState
from subsidies.rules.vocabulary import EMPLOYMENT_TYPES
from subsidies.selectors import decide, policy_data, reference_data

from .catalogue import SERVICE_PROJECTS, ServiceProject
from .models import (
    GRANTED_STATUSES,
    INACTIVE_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    AttachmentKind,
    Notification,
    Offering,
)
from .procedures import PROCEDURES, Applicant

PROJECTS_BY_CODE = {p.code: p for p in SERVICE_PROJECTS}


_REQUEST_MEMBER = "_portal_member"


def portal_member(request) -> Member | None:
    """The active member record behind this request's login, read once per request: the view and
    the navigation (context_processors.portal) share it. The same query carries the navigation's
    unread count and this year's dues (member_profile), so a portal page reads the member once —
    with the account itself, where the account's statement brought it (members.auth: the
    "portal_member" companion, added in ProjectsConfig.ready)."""
    if hasattr(request, _REQUEST_MEMBER):
        return getattr(request, _REQUEST_MEMBER)
    from django.utils import timezone

    from members.auth import account_companion

    user = getattr(request, "user", None)
    member = None
    if user is not None and user.is_authenticated:
        year = timezone.localdate().year
        values = account_companion(user, PORTAL_MEMBER)
        if values is not None and values[-1] == year:
            member, request._portal_unread = _member_from_values(values)
        else:
            member = signed_in_members_record(user.pk, year)
    setattr(request, _REQUEST_MEMBER, member)
    return member


PORTAL_MEMBER = "portal_member"
_MEMBER_STATEMENT: list = []


class MemberExtra(NamedTuple):
    """A project app's fact about the portal member, read in the member's own statement (member_card:
    the unit's chosen coverage classes): one column reading the member as `pm` (NULL without a
    member), and what to keep of its value on the member."""

    select: str
    apply: Callable[[Member, Any], None]


_MEMBER_EXTRAS: dict[str, MemberExtra] = {}


def add_member_extra(name: str, extra: MemberExtra) -> None:
    """Registered in the app's ready(); the member's statement (and the account's) is built again with it."""
    from members.auth import add_account_companion

    _MEMBER_EXTRAS[name] = extra
    _MEMBER_STATEMENT.clear()
    add_account_companion(PORTAL_MEMBER, portal_member_companion())


def records_primed(member: Member) -> bool:
    """Whether the member's records were read for this page view (member_records_primed): a project
    app's record lookup may then take what the member's statement brought (MemberExtra) instead of
    reading again; outside it (a submission) it reads afresh."""
    return hasattr(member, _PRIMED)


def _member_columns() -> list:
    """(columns, joins, member columns, organisation columns) of the portal's member record read beside
    the account `u`: the active member of the account (at most one) with its unit, a year's dues (two
    placeholders: the year), the account's unread count (any account's: the navigation's), the
    policy stamp, the project apps' MemberExtras and the year itself (a third placeholder)."""
    from jiading_union.rawrows import Columns
    from members.models import Organisation

    if not _MEMBER_STATEMENT:
        members, organisations = Columns(Member, "pm"), Columns(Organisation, "po")
        dues, notifications = DuesRecord._meta.db_table, Notification._meta.db_table
        paid = f"SELECT 1 FROM {dues} d WHERE d.member_id = pm.id AND d.year = %s"
        # Nothing but NULLs for an account without a member (staff): the subqueries are not run.
        when = "CASE WHEN pm.id IS NULL THEN NULL ELSE "
        stamp = ", ".join(f"{when}{column} END" for column in policy_stamp_column_list())
        select = (
            f"{members.sql}, {organisations.sql}, {when}EXISTS ({paid}) END, {when}EXISTS ({paid} AND d.paid_in_one_go) END, "
            f"(SELECT COUNT(*) FROM {notifications} n WHERE n.recipient_id = u.id AND n.read_at IS NULL), "
            f"{stamp}, {''.join(f'{when}{extra.select} END, ' for extra in _MEMBER_EXTRAS.values())}"
            "CAST(%s AS INTEGER)"
        )
        joins = (
            f"LEFT JOIN {Member._meta.db_table} pm ON pm.user_id = u.id AND pm.is_active "
            f"LEFT JOIN {Organisation._meta.db_table} po ON po.id = pm.organisation_id"
        )
        _MEMBER_STATEMENT[:] = [select, joins, members, organisations]
    return _MEMBER_STATEMENT


def portal_member_companion():
    """The member record as a companion of the account's statement (members.auth)."""
    from django.utils import timezone

    from members.auth import AccountCompanion

    select, joins, members, organisations = _member_columns()

    def params() -> tuple[list, list]:
        year = timezone.localdate().year
        return [year, year, year], []

    width = len(members) + len(organisations) + 3 + POLICY_STAMP_WIDTH + len(_MEMBER_EXTRAS) + 1
    return AccountCompanion(select, joins, params, width)


def signed_in_members_record(user_id: int, year: int) -> Member | None:
    """The active member of an account with its unit, `year`'s dues (member_profile reads them from
    there), the navigation's unread count and the policy stamp (the entitlement scan's), in one
    statement written once per process (the ORM would compile it on every request)."""
    from jiading_union.rawrows import fetch_one
    from members.models import User

    select, joins, _, _ = _member_columns()
    row = fetch_one(
        f"SELECT {select} FROM {User._meta.db_table} u {joins} WHERE u.id = %s", [year, year, year, user_id]
    )
    return _member_from_values(row)[0] if row is not None else None


def _member_from_values(values) -> tuple[Member | None, int]:
    """(the member or None, the account's unread count) of _member_columns' values."""
    _, _, members, organisations = _member_columns()
    n, k = len(members), len(members) + len(organisations)
    member = members.instance(values[:n])
    if member is None:
        return None, int(values[k + 2])
    Member.organisation.field.set_cached_value(member, organisations.instance(values[n:k]))
    member.dues_paid_now, member.dues_one_go_now, member.portal_unread = (
        bool(values[k]),
        bool(values[k + 1]),
        int(values[k + 2]),
    )
    at = k + 3 + POLICY_STAMP_WIDTH
    member.policy_stamp_now = stamp_of(values[k + 3 : at])
    extras = tuple(values[at : at + len(_MEMBER_EXTRAS)])
    for extra, value in zip(_MEMBER_EXTRAS.values(), extras, strict=True):
        extra.apply(member, value)
    member.extras_now = extras
    member.dues_year = values[at + len(_MEMBER_EXTRAS)]
    return member, member.portal_unread


def with_dues_of_year(members: QuerySet[Member], year: int) -> QuerySet[Member]:
    """The members with their `year`'s dues in the same query (member_profile reads them from there
    once `dues_year` is set on each member to that year)."""
    from django.db.models.expressions import RawSQL

    # RawSQL: the ORM's Exists/Subquery cost more to compile than the query costs to run.
    paid = f"SELECT 1 FROM {DuesRecord._meta.db_table} d WHERE d.member_id = {Member._meta.db_table}.id AND d.year = %s"
    return members.annotate(
        dues_paid_now=RawSQL(f"EXISTS ({paid})", (year,)),
        dues_one_go_now=RawSQL(f"EXISTS ({paid} AND d.paid_in_one_go)", (year,)),
    )


def _dues_of_year(member: Member, year: int) -> tuple[bool, bool]:
    """(paid any dues in `year`, paid the year's dues in one go), from portal_member's annotations
    when they are of that year, else one query."""
    if getattr(member, "dues_year", None) == year:
        return bool(member.dues_paid_now), bool(member.dues_one_go_now)
    dues = list(DuesRecord.objects.filter(member=member, year=year).values_list("paid_in_one_go", flat=True))
    return bool(dues), any(dues)


def member_profile(member: Member, today: date) -> dict[str, Any]:
    """The facts about a member the rules can take without asking (Fact.profile names)."""
    paid_dues, paid_in_one_go = _dues_of_year(member, today.year)
    return profile_from_record(member, paid_dues=paid_dues, paid_in_one_go=paid_in_one_go)


def profile_from_record(member: Member, *, paid_dues: bool, paid_in_one_go: bool) -> dict[str, Any]:
    """The profile of a member whose year's dues are already known (a scan reads them per chunk)."""
    organisation = member.organisation
    is_unit = organisation.level == OrganisationLevel.GRASSROOTS
    return {
        "birth_date": member.birth_date,
        "sex": member.sex,
        "is_district_member": member.is_active,
        "has_valid_member_card": member.is_active and member.card_issued_on is not None,
        "card_made_on": member.card_issued_on,
        "monthly_income": member.monthly_income,
        "employment_type": member.employment_type,
        "flexible_industry": member.flexible_industry or None,
        "has_city_medical_insurance": member.has_city_medical_insurance,
        "paid_full_dues_in_one_go": paid_in_one_go,
        "paid_dues_this_year": member.is_active and paid_dues,
        "marital_status": member.marital_status,
        "is_hardship_member": member.is_hardship,
        "unit_union_established": organisation.union_established if is_unit else None,
        "unit_type": organisation.unit_type or None if is_unit else None,
        "unit_employee_count": organisation.employee_count if is_unit else None,
    }


def organisation_profile(organisation) -> dict[str, Any]:
    return {
        "unit_union_established": organisation.union_established,
        "unit_type": organisation.unit_type or None,
        "unit_employee_count": organisation.employee_count,
        "is_sanitation_operator": organisation.is_sanitation_operator,
    }


def applicant_profile(*, member: Member | None, organisation, today: date) -> dict[str, Any]:
    return member_profile(member, today) if member is not None else organisation_profile(organisation)


def locked_facts(
    rule: Rule,
    *,
    member: Member | None,
    organisation,
    today: date,
    profile: dict[str, Any] | None = None,
    typed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The record facts (Fact.source == "record"): today's date, what the member's or unit's record
    says, and what the project app's records say (Procedure.locked_facts). The same for the apply
    form, the submission and the entitlement scan; a record fact the records cannot answer stays
    unknown — it is never taken from the applicant."""
    if profile is None:
        profile = applicant_profile(member=member, organisation=organisation, today=today)
    locked = {}
    for fact in rule.schema:
        if fact.profile == "today":
            locked[fact.name] = today
        elif fact.source == "record" and fact.profile and profile.get(fact.profile) is not None:
            locked[fact.name] = profile[fact.profile]
    procedure = PROCEDURES.get(rule.rule_id)
    if procedure is not None and procedure.locked_facts is not None:
        # `typed` (what the applicant stated) only picks which record answers, e.g. the coverage
        # that holds the event date; the values themselves come from the records.
        extra = procedure.locked_facts(member, organisation, rule.policy_year, dict(typed or {}))
        locked.update({name: value for name, value in extra.items() if name in rule.schema and value is not None})
    return locked


def member_decision(rule: Rule, profile: dict[str, Any], locked: Mapping[str, Any], *, data, refs):
    """What a member may have of a rule before they type anything: the record's facts locked, the rest
    prefilled, unanswered facts left open. One path for 我可以申请的 and the district's outreach scan."""
    return decide(
        rule_id=rule.rule_id,
        year=rule.policy_year,
        facts=prefilled_facts(rule, profile),
        locked=locked,
        partial=True,
        strict=False,
        data=data,
        refs=refs,
    )


def prefilled_facts(rule: Rule, profile: dict[str, Any]) -> dict[str, Any]:
    """Profile facts shown already filled in that the applicant may still correct (income, marital status)."""
    return {
        f.name: profile[f.profile]
        for f in rule.schema
        if f.profile and f.source == "applicant" and profile.get(f.profile) is not None
    }


# Applicant-stated dates that are the day the applicant acts (申领补贴日期, 公示日期): the form offers
# today, which the applicant may change. Dates of events (确诊日期, 入住日期) are never guessed.
TODAY_DATES = frozenset({"claim_date", "application_date", "notice_posted_on", "booking_date"})


def prefilled_dates(rule: Rule, today: date) -> dict[str, Any]:
    """The rule's applicant dates that default to today (TODAY_DATES), for the apply form only."""
    return {
        f.name: today for f in rule.schema if f.kind == "date" and f.source == "applicant" and f.name in TODAY_DATES
    }


def attached_names(application: Application) -> dict[str, list[str]]:
    """The files already stored with an application, by kind (a draft's proofs shown on its form)."""
    names: dict[str, list[str]] = {}
    for kind, name in application.attachments.values_list("kind", "original_name"):
        names.setdefault(kind, []).append(name)
    return names


# --- Policy data as the portal reads it: once per version stamp, not once per request -------------


def policy_stamp() -> tuple:
    """A cheap version of everything policy data is read from besides the shipped files: district
    staff's overrides (any year) and the reference values, in one query. It changes when an
    override is added, edited (updated_at) or removed, and when a reference value is added, removed
    or its amount or date changed (count, newest id, sum of amounts, date range). What is cached
    per policy year (decided data, rendered summaries) is keyed on it, so an edit shows on the next
    request in every process. A member's page has it already: the member's statement reads it too
    (signed_in_members_record)."""
    from jiading_union.rawrows import fetch_one

    return stamp_of(fetch_one(f"SELECT {policy_stamp_columns()}", []))


POLICY_STAMP_WIDTH = 2


def policy_stamp_columns() -> str:
    """policy_stamp's POLICY_STAMP_WIDTH values, as columns of a SELECT."""
    return ", ".join(policy_stamp_column_list())


def policy_stamp_column_list() -> list[str]:
    """One column per table, one scan each: the overrides' count, newest id and last edit; the
    reference values' count, newest id, sum and date range."""
    from subsidies.models import PolicyOverride, ReferenceValue

    def text(value: str) -> str:
        return f"COALESCE(CAST({value} AS TEXT), '')"

    def joined(*values: str) -> str:
        return " || '|' || ".join(text(v) for v in values)

    overrides, refs = PolicyOverride._meta.db_table, ReferenceValue._meta.db_table
    return [
        f"(SELECT {joined('COUNT(*)', 'MAX(id)', 'MAX(updated_at)')} FROM {overrides})",
        f"(SELECT {joined('COUNT(*)', 'MAX(id)', 'SUM(amount)', 'MIN(effective_from)', 'MAX(effective_from)')} FROM {refs})",
    ]


def stamp_of(values) -> tuple:
    return tuple(str(v) for v in values)


@dataclass
class CurrentPolicy:
    """Every policy year's current data and the reference series, as of one stamp (process-local)."""

    stamp: tuple
    refs: Any
    _data: dict

    def data(self, year: int):
        if year not in self._data:
            self._data[year] = policy_data(year)
        return self._data[year]

    def by_year(self) -> dict:
        from subsidies.rules.data import available_years

        return {year: self.data(year) for year in available_years()}

    @property
    def key(self) -> str:
        """The stamp as a cache-key part (template fragment caches vary on it)."""
        import hashlib

        return hashlib.sha1(repr(self.stamp).encode()).hexdigest()[:16]


_current_policy: list[CurrentPolicy] = []

# Template fragments cached in the shared cache carry this process's token, so a fragment rendered by
# an older release (other templates, other rules) is never served by a newer one.
_PROCESS_TOKEN = __import__("uuid").uuid4().hex[:12]


def fragment_key(policy: CurrentPolicy | None = None) -> str:
    """The vary-on value of a page's {% cache %} fragments: the process, the published policy years
    (a publish changes the registry's version) and the day (a year comes into force at midnight), and
    the policy stamp when the fragment is rendered from policy data."""
    from django.utils import timezone

    base = f"{_PROCESS_TOKEN}:{registry.version()}:{timezone.localdate().isoformat()}"
    return f"{base}:{policy.key}" if policy is not None else base


def current_policy(stamp: tuple | None = None) -> CurrentPolicy:
    """The policy data of the stamp read now (or given: read in this request already): one query per
    request while nothing changes; a new stamp reads the data afresh (subsidies.selectors.policy_data,
    reference_data)."""
    if stamp is None:
        stamp = policy_stamp()
    if _current_policy and _current_policy[0].stamp == stamp:
        return _current_policy[0]
    policy = CurrentPolicy(stamp, reference_data(), {})
    _current_policy[:] = [policy]
    return policy


class EntitlementState:
    ELIGIBLE = "eligible"  # 现在可以申请
    NOT_YET_OPEN = "not_yet_open"  # 申报期未到
    NEEDS_INFORMATION = "needs_information"  # 申请时需提供材料，暂无法判断
    APPLIED = "applied"  # 已申请（同一唯一性键已有申请）
    NOT_ELIGIBLE = "not_eligible"  # 不符合条件
    BY_UNIT = "by_unit"  # 由单位申请：a unit (union organisation) applies, never the member


_STATE_OF = {
    Outcome.ELIGIBLE: EntitlementState.ELIGIBLE,
    Outcome.PENDING_REVIEW: EntitlementState.ELIGIBLE,  # apply now; a reviewer establishes the rest
    Outcome.NOT_YET_OPEN: EntitlementState.NOT_YET_OPEN,
    Outcome.INCOMPLETE: EntitlementState.NEEDS_INFORMATION,
    Outcome.INELIGIBLE: EntitlementState.NOT_ELIGIBLE,
}

# Projects whose member rules are for one kind of employment only (the documents' own audience: the
# 2019 §4 coverage and its claims, the 2021 “五送” services are for 灵活就业会员). A member of another
# employment type is never offered them; the card says why and what to do if the record is wrong.
EMPLOYMENT_ONLY: dict[str, str] = {"flexible_workers": "flexible_worker"}

# A reason's text that says nothing once its prefix is gone ("待确认：" of a check without words).
_EMPTY_REASON_PREFIXES = ("待确认：", "待确认")


def reason_says_something(message: str) -> bool:
    """False for a reason whose text is empty or only "待确认：" — never shown to a member."""
    text = (message or "").strip()
    for prefix in _EMPTY_REASON_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    return bool(text)


def _cn_day(day: date) -> str:
    return _("%(month)s月%(day)s日") % {"month": day.month, "day": day.day}


@dataclass(frozen=True)
class Entitlement:
    rule: Rule
    decision: Decision | None
    project: ServiceProject
    # The member's application already holding this rule's once-only key (a submission would be
    # refused as a duplicate): the page links to it instead of offering 申请.
    applied: Application | None = None
    # The decision's window as it stands today: "open", "not_yet_open", "closed" or "" (no window).
    window_state: str = ""
    # Labels of the uploads the procedure requires before review (需上传：医疗证明).
    proofs: tuple[str, ...] = ()
    # The employment type the project is for, when the member's record says another (灵活就业 only).
    other_employment: str = ""
    by_unit: bool = False  # a unit applies (rule.applicant == "organisation")
    unit_name: str = ""  # the member's unit, named in what to tell it

    @property
    def state(self) -> str:
        """What the decision (and an application holding the key) says: the same for the page and
        for 政策找人's scan (outreach.scan builds an Entitlement from the decision alone)."""
        if self.by_unit:
            return EntitlementState.BY_UNIT
        if self.applied is not None:
            return EntitlementState.APPLIED
        return _STATE_OF[self.decision.outcome]

    @property
    def group(self) -> str:
        """Where the page shows it: a project for another employment type is 暂不符合条件."""
        state = self.state
        if self.other_employment and state != EntitlementState.APPLIED:
            return EntitlementState.NOT_ELIGIBLE
        return state

    @property
    def may_apply(self) -> bool:
        """申请 is offered only where the member can complete it today."""
        return self.group in (EntitlementState.ELIGIBLE, EntitlementState.NEEDS_INFORMATION)

    @property
    def window_closed(self) -> bool:
        return self.window_state == WindowState.CLOSED

    @property
    def first_reason(self) -> str:
        """The first reason worth reading: not met, else unknown (never an empty "待确认：")."""
        if self.decision is None:
            return ""
        for reasons in (self.decision.failed, self.decision.unknown, self.decision.pending):
            for reason in reasons:
                if reason_says_something(reason.message):
                    return reason.message
        return ""

    @property
    def why(self) -> str:
        """One line: why this card is in its group (the applied line is the template's: it links)."""
        state = self.group
        if state == EntitlementState.BY_UNIT:
            return _("申请方：%(who)s；个人不能直接申请") % {"who": self.project.applicant}
        if self.other_employment and state != EntitlementState.APPLIED:
            return _("仅限灵活就业会员申请，您的会员档案登记为“%(kind)s”") % {"kind": self.other_employment}
        window = self.decision.window
        if state == EntitlementState.NOT_YET_OPEN and self.window_state == WindowState.NOT_YET_OPEN:
            return _("%(day)s起受理") % {"day": _cn_day(window.opens)}
        if self.window_closed:
            return _("已于%(day)s截止") % {"day": _cn_day(window.closes)}
        reason = self.first_reason
        if state == EntitlementState.ELIGIBLE:
            if self.decision.pending and reason:
                return _("按您的档案可以申请；%(reason)s") % {"reason": reason}
            if window is not None and self.window_state == WindowState.OPEN:
                return _("按您的档案可以申请，受理至%(day)s") % {"day": _cn_day(window.closes)}
            return _("按您的档案可以申请")
        if reason:
            return reason
        if state == EntitlementState.NEEDS_INFORMATION:
            return _("需要您在申请表中补充信息后才能判断")
        return _("暂不符合申请条件")

    @property
    def next_step(self) -> str:
        """One line: what the member does next."""
        state = self.group
        if state == EntitlementState.BY_UNIT:
            return _("如您的单位需要，请告诉所在单位工会（%(unit)s），由工会在工作台办理。") % {"unit": self.unit_name}
        if state == EntitlementState.APPLIED:
            if self.applied.status == ApplicationStatus.DRAFT:
                return _("草稿尚未提交：在“我的申请”中打开它，补全后提交。")
            return _("点申请编号查看进度，无需再次申请。")
        if state == EntitlementState.NOT_YET_OPEN:
            return _("受理开始后再来申请，现在可以先试算。")
        if self.window_closed:
            return _("本期已不能申请，请留意下一期受理时间。")
        if state in (EntitlementState.ELIGIBLE, EntitlementState.NEEDS_INFORMATION):
            proofs = "、".join(self.proofs)
            if state == EntitlementState.NEEDS_INFORMATION:
                text = _("点“申请”，填写上面所说的信息，系统当场判断")
            else:
                text = _("点“申请”填写并提交")
            if proofs:
                return _("%(text)s；需上传：%(proofs)s") % {"text": text, "proofs": proofs}
            return _("%(text)s。") % {"text": text}
        return _("如会员档案有误，请联系所在工会（%(unit)s）更正。") % {"unit": self.unit_name}


def application_holding_key(member: Member, rule: Rule, facts: Mapping[str, Any]) -> Application | None:
    """The member's application that holds the key a submission of `rule` on `facts` would carry
    (the procedure's once-only key, computed exactly as projects.services.submission does), or None.
    Reads the primed applications (member_records_primed): no query per rule."""
    procedure = PROCEDURES.get(rule.rule_id)
    if procedure is None or procedure.dedup is None:
        return None
    from .services.submission import facts_to_json  # the services import this module

    key = procedure.dedup(Applicant(member.pk, None, rule.policy_year), facts_to_json(facts))
    if key is None:
        return None
    return next(
        (
            a
            for a in member_applications(member, (rule.rule_id,))
            if a.dedup_key == key and a.status not in INACTIVE_STATUSES
        ),
        None,
    )


_MEMBER_RULES: dict[tuple[date | int, int, str], list[Rule]] = {}


def _current_rules_of(on_year: date | int, applicant: str) -> list[Rule]:
    """Rules of this applicant kind someone applies for, newest policy year in force; kept per process
    until a policy year is published (the registry's version changes)."""
    key = (on_year, registry.version(), applicant)
    if key not in _MEMBER_RULES:
        if len(_MEMBER_RULES) > 64:
            _MEMBER_RULES.clear()
        _MEMBER_RULES[key] = [
            r
            for r in registry.current_rules(on_year)
            if r.applicant == applicant and PROCEDURES.get(r.rule_id) is not None and PROCEDURES[r.rule_id].applicable
        ]
    return _MEMBER_RULES[key]


def member_rules(on_year: date | int) -> list[Rule]:
    """Rules a member applies for, newest policy year in force."""
    return _current_rules_of(on_year, "member")


def unit_rules(on_year: date | int) -> list[Rule]:
    """Rules a unit or union organisation applies for (shown to members as 由单位申请)."""
    return _current_rules_of(on_year, "organisation")


_ORDER = {
    EntitlementState.ELIGIBLE: 0,
    EntitlementState.NOT_YET_OPEN: 1,
    EntitlementState.NEEDS_INFORMATION: 2,
    EntitlementState.APPLIED: 3,
    EntitlementState.NOT_ELIGIBLE: 4,
    EntitlementState.BY_UNIT: 5,
}


def entitlements(member: Member, today: date) -> list[Entitlement]:
    """Every rule a member could apply for, decided on the member's record exactly as a submission
    would be (the same locked facts; what only the applicant knows stays unknown)."""
    return EntitlementScan(member, today).entitlements()


class EntitlementScan:
    """The entitlement scan of one member on one day, in two steps: the inputs (the member's record,
    the record facts every rule locks, the member's applications — two or three queries, the same for
    any history) and, only when the page's cached cards are stale, the decisions.

    `key` is a digest of everything the decisions and the cards are made from besides the language
    (the page's {% cache %} varies on that): the process and the published policy years and policy
    stamp (fragment_key), the day, the member, the profile, each rule's locked facts and every
    application of the member as it stands (id, status, once-only key, last change). A change to any
    of them is a new key, so cached cards are never stale; nothing needs invalidating."""

    def __init__(self, member: Member, today: date):
        import hashlib

        self.member, self.today = member, today
        self.profile = member_profile(member, today)
        self.rules = member_rules(today)
        self.policy = current_policy(getattr(member, "policy_stamp_now", None))
        self.applications = primed_rows(member)
        with member_records_primed(member, self.applications):
            self.locked = [
                locked_facts(rule, member=member, organisation=None, today=today, profile=self.profile)
                for rule in self.rules
            ]
        inputs = (
            fragment_key(self.policy),
            member.pk,
            member.organisation.name,
            sorted(self.profile.items()),
            [
                (rule.rule_id, rule.policy_year, sorted(locked.items()))
                for rule, locked in zip(self.rules, self.locked, strict=True)
            ],
            [(a.pk, a.rule_id, a.status, a.dedup_key, a.reference, a.updated_at) for a in self.applications],
        )
        self.key = hashlib.sha1(repr(inputs).encode()).hexdigest()

    def entitlements(self) -> list[Entitlement]:
        member, today, profile, policy = self.member, self.today, self.profile, self.policy
        unit_name = member.organisation.name
        rows = []
        with member_records_primed(member, self.applications):
            for rule, locked in zip(self.rules, self.locked, strict=True):
                decided = member_decision(rule, profile, locked, data=policy.data(rule.policy_year), refs=policy.refs)
                decision = decided.decision
                procedure = PROCEDURES[rule.rule_id]
                audience = EMPLOYMENT_ONLY.get(rule.project)
                other = ""
                if audience is not None and member.employment_type != audience:
                    other = str(EMPLOYMENT_TYPES.get(member.employment_type, "")) or str(_("未登记"))
                rows.append(
                    Entitlement(
                        rule,
                        decision,
                        PROJECTS_BY_CODE[rule.project],
                        applied=application_holding_key(member, rule, decided.facts),
                        window_state=decision.window.state(today).value if decision.window else "",
                        proofs=tuple(str(AttachmentKind(kind).label) for kind in procedure.proofs),
                        other_employment=other,
                        unit_name=unit_name,
                    )
                )
        return sorted(rows, key=lambda e: (_ORDER[e.group], e.project.code, e.rule.rule_id))

    def page_rows(self) -> list[Entitlement]:
        """What the entitlements page lists (called by its template only when the cached cards are stale)."""
        return self.entitlements() + unit_entitlements(self.member, self.today)


def entitlements_key(member: Member, today: date) -> tuple[str, Callable[[], EntitlementScan]]:
    """(EntitlementScan's key, the scan when it is needed) for a repeat view, without the scan where
    that is safe: its key is kept under a digest of the scan's inputs as the database holds them —
    the member's statement (the member and unit rows, the year's dues, the policy stamp, the project
    apps' extras with the row versions of the member's applications), the day and the published
    years — but only when the scan, made once, read nothing else: a rule whose record facts come
    from another table (a roster, a registration) makes every view of that member run the scan, as
    before. Only for a member read by that statement on PostgreSQL (row versions are PostgreSQL's)."""
    from django.core.cache import caches
    from django.db import connection

    from jiading_union.rawrows import runs

    scan: list[EntitlementScan] = []

    def the_scan() -> EntitlementScan:
        if not scan:
            scan.append(EntitlementScan(member, today))
        return scan[0]

    stamp = getattr(member, "policy_stamp_now", None)
    if stamp is None or not hasattr(member, "applications_versions_now"):
        return the_scan().key, the_scan
    organisation = member.organisation
    inputs = (
        fragment_key(current_policy(stamp)),
        today.isoformat(),
        [getattr(member, f.attname) for f in Member._meta.concrete_fields],
        [getattr(organisation, f.attname) for f in type(organisation)._meta.concrete_fields],
        member.dues_paid_now,
        member.dues_one_go_now,
        member.extras_now,
    )
    quick = f"scan-key:{hashlib.sha1(repr(inputs).encode()).hexdigest()}"
    kept = caches["kept"]
    key = kept.get(quick)
    if key is not None:
        return key, the_scan
    reads: list[str] = []

    def noting(execute, sql, params, many, context):
        reads.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noting):
        made = the_scan()
    if all(runs(_PRIMED_STATEMENT[0], sql) for sql in reads):  # the applications' read, nothing else
        kept.set(quick, made.key)
    return made.key, the_scan


def applications_versions_column() -> str:
    """A MemberExtra column (the member is `pm`): each of the member's applications and its
    organisation as their row versions. Every write of a row, whichever column, makes a new version
    under the writing transaction (xmin) and its command within that transaction (cmin), so a change
    to any column shows, for the cost of reading ids (an md5 of the rows' text cost more than the
    scan it stands for). Every member page's first statement brings it, so 我可以申请的 and 我的申请
    ask nothing more on a repeat view. PostgreSQL only."""
    from members.models import Organisation

    return (
        "(SELECT coalesce(string_agg(a.id::text || ':' || a.xmin::text || ':' || a.cmin::text || ':' "
        "|| coalesce(o.xmin::text || ':' || o.cmin::text, '-'), ',' "
        f"ORDER BY a.id), '') FROM {Application._meta.db_table} a "
        f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = a.organisation_id WHERE a.applicant_member_id = pm.id)"
    )


def keep_applications_versions(member: Member, value) -> None:
    member.applications_versions_now = value or ""


def unit_entitlements(member: Member, today: date) -> list[Entitlement]:
    """The rules a unit or union organisation applies for, as the member's page shows them
    (由单位申请: who applies and what to tell the unit; nothing decided, nothing read)."""
    unit_name = member.organisation.name
    return [
        Entitlement(rule, None, PROJECTS_BY_CODE[rule.project], by_unit=True, unit_name=unit_name)
        for rule in sorted(unit_rules(today), key=lambda r: (r.project, r.rule_id))
    ]


def calculator_rows() -> list[tuple[ServiceProject, Rule]]:
    """Every calculator, by project (called by the calculator index only when its cached table is stale)."""
    rules = sorted(registry.all_rules(), key=lambda r: (r.project, r.rule_id, -r.policy_year))
    return [(PROJECTS_BY_CODE.get(r.project), r) for r in rules]


def open_offerings(rule_id: str, policy_year: int, now) -> QuerySet[Offering]:
    """Offerings still taking bookings, soonest first, with their places."""
    return (
        Offering.objects.filter(rule_id=rule_id, policy_year=policy_year, is_open=True, starts_at__gt=now)
        .select_related("quota")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class Opening:
    """A first-come pool of an apply page that opens soon or has just opened (the countdown)."""

    label: str
    opens_at: Any
    capacity: int


def first_come_openings(rule_id: str, policy_year: int, offerings, now) -> list[Opening]:
    """The rule's first-come pools (its own, e.g. the D/E/F district pool, and its offerings') that
    open later or opened within the queue window."""
    from django.conf import settings
    from django.db.models import Q

    from .models import QuotaPool

    since = now - settings.FIRST_COME_QUEUE_WINDOW
    pools = QuotaPool.objects.filter(
        Q(key__startswith=f"{rule_id}:{policy_year}:") | Q(pk__in=[o.quota_id for o in offerings]),
        first_come=True,
        opens_at__gt=since,
    ).order_by("opens_at")
    return [Opening(label=p.label, opens_at=p.opens_at, capacity=p.capacity) for p in pools]


def open_offerings_of_project(project: str, now, limit: int = 50) -> list[Offering]:
    """Upcoming offerings of a project still taking bookings. Public: a slot carries no one's
    name (even counselling slots — the bookings are what is confidential)."""
    return list(
        Offering.objects.filter(project=project, is_open=True, starts_at__gt=now)
        .select_related("quota")
        .order_by("starts_at")[:limit]
    )


def applications_of_member(member: Member) -> QuerySet[Application]:
    return Application.objects.filter(applicant_member=member).order_by("-created_at")


def applications_fingerprint(member: Member) -> str:
    """A digest of every column 我的申请 shows of the member's applications (one aggregate over the
    member's index, raw SQL: no ORM compile): the page's cached table is keyed on it, so a new
    application, a status change (however made: a bulk payout step too) or a changed amount shows on
    the next request."""

    from django.db import connection

    from jiading_union.rawrows import fetch_one

    if connection.vendor != "postgresql":  # the embedded SQLite has no md5 or string_agg: the same digest
        rows = Application.objects.filter(applicant_member=member).order_by("pk")
        columns = ("pk", "reference", "rule_id", "policy_year", "status", "amount", "submitted_at", "created_at")
        lines = ["|".join("" if v is None else str(v) for v in row) for row in rows.values_list(*columns)]
        return f"{len(lines)}:{hashlib.md5(','.join(lines).encode()).hexdigest() if lines else ''}"
    table = Application._meta.db_table
    count, digest = fetch_one(
        f"SELECT COUNT(*), md5(string_agg(concat_ws('|', id, reference, rule_id, policy_year, status, amount, "
        f"submitted_at, created_at), ',' ORDER BY id)) FROM {table} WHERE applicant_member_id = %s",
        [member.pk],
    )
    return f"{count}:{digest or ''}"


def application_of_member(member: Member, reference: str) -> Application | None:
    """The member's own application, or None — never someone else's (with its session, unit and
    street in the same query: the page names who reviews next)."""
    return (
        Application.objects.filter(applicant_member=member, reference=reference)
        .select_related("offering", "organisation", "street")
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            "attachments",
        )
        .first()
    )


@dataclass(frozen=True)
class Progress:
    """Where an application stands, as its applicant reads it: the step and who acts next."""

    step: str  # 待基层工会初审
    next: str  # 等待基层工会审核（某某公司工会）
    done: bool = False  # nothing more will happen


def _organisation_name(application: Application, level: str) -> str:
    from . import workflow

    organisation_id = workflow.reviewing_organisation_id(application, level)
    for organisation in (application.organisation, application.street):
        if organisation is not None and organisation.pk == organisation_id:
            return organisation.name
    return ""


def application_progress(application: Application) -> Progress:
    """The current step and who acts next ("等待基层工会审核"), from the status and the chain."""
    from . import workflow
    from .labels import level_label, yuan

    status = application.status
    step = application.get_status_display()
    s = ApplicationStatus
    level = workflow.current_level(application)
    if level is not None:
        verb = {"district_intake": _("受理"), "city": _("终审")}.get(level, _("审核"))
        who = str(level_label(level)).removesuffix("受理")
        name = _organisation_name(application, level)
        text = _("等待%(who)s%(verb)s") % {"who": who, "verb": verb}
        return Progress(step, f"{text}（{name}）" if name else text)
    if status == s.DRAFT:
        return Progress(step, _("草稿尚未提交：补全后点“修改并提交”，提交前不会进入审核、不占名额。"))
    if status == s.SUBMITTED:
        return Progress(step, _("已提交，正在转入审核。"))
    if status == s.RETURNED:
        return Progress(step, _("退回补正：请按审核意见修改后重新提交。"))
    if status == s.APPROVED:
        if application.amount > 0:  # whether a batch holds it yet is the district's business
            return Progress(step, _("已批准，等待区总工会给付。"))
        return Progress(step, _("已批准，请按时参加。") if application.offering_id else _("已批准。"))
    if status == s.BATCHED:  # history: no application is batched since the ledger holds them
        return Progress(step, _("已纳入给付批次，等待区总工会给付。"))
    if status == s.PAID:
        return Progress(step, _("已给付 %(amount)s。") % {"amount": yuan(application.amount)}, done=True)
    if status == s.PAYMENT_FAILED:
        return Progress(step, _("款项未到账，区总工会将重新给付，无需重新申请。"))
    if status == s.REJECTED:
        return Progress(step, _("未通过：理由见下方进度中的审核意见。"), done=True)
    if status == s.WITHDRAWN:
        return Progress(step, _("已撤回，不再办理。"), done=True)
    return Progress(step, _("已办结。"), done=True)


def booked_places(application: Application) -> int | None:
    """How many places a booking takes (the procedure's places fact, else one), None: no session."""
    if application.offering_id is None:
        return None
    procedure = PROCEDURES.get(application.rule_id)
    fact = procedure.places_fact if procedure is not None else None
    try:
        return int(application.facts.get(fact) or 1) if fact else 1
    except (TypeError, ValueError):
        return 1


def applications_of_organisation(user: User) -> QuerySet[Application]:
    """Applications a staff user made for their organisation (or, for street staff, its units)."""
    if not user.is_staff or user.organisation_id is None:
        return Application.objects.none()
    return Application.objects.filter(created_by=user).select_related("applicant_organisation")


def holds_explicit_permission(user: User, dotted: str) -> bool:
    """Granted to the user or one of their groups. Not user.has_perm(): Django answers True
    for every superuser, and confidentiality is need-to-know."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cache = user.__dict__.setdefault("_explicit_permissions", {})
    if dotted not in cache and not user.is_superuser:
        # Django's ModelBackend keeps this request's own and group permissions once read (has_perm
        # read them already on an admin page, or the account's statement did: members.auth); for
        # anyone but a superuser (whose caches hold every permission) they are exactly the explicit grants.
        every = getattr(user, "_perm_cache", None)
        own, groups = getattr(user, "_user_perm_cache", None), getattr(user, "_group_perm_cache", None)
        if every is not None:
            cache[dotted] = dotted in every
        elif own is not None and groups is not None:
            cache[dotted] = dotted in own or dotted in groups
    if dotted not in cache:
        app_label, codename = dotted.split(".", 1)
        cache[dotted] = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
    return cache[dotted]


def hidden_rule_ids(user: User) -> list[str]:
    """Confidential rules (Procedure.confidential_permission) this staff user may not see."""
    return [
        procedure.rule_id
        for procedure in PROCEDURES.values()
        if procedure.confidential_permission and not holds_explicit_permission(user, procedure.confidential_permission)
    ]


def without_confidential(user: User, queryset: QuerySet[Application]) -> QuerySet[Application]:
    hidden = hidden_rule_ids(user)
    return queryset.exclude(rule_id__in=hidden) if hidden else queryset


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Staff: applications within their scope (members.selectors.scope_for), minus confidential ones."""
    return without_confidential(
        user,
        scope_for(user).filter(
            Application.objects.select_related("applicant_member", "applicant_organisation", "street")
        ),
    )


# Rules whose approved applications are coverage the member holds, and rules that are claims on it.
COVERAGE_RULES = ("member_basic_coverage", "flexible_worker_coverage", "flexible_worker_care")
CLAIM_RULES = (
    "member_coverage_benefit",
    "flexible_worker_benefit",
    "city_condolence_payment",
    "district_condolence_payment",
)
HELD = GRANTED_STATUSES


def coverage_of_member(member: Member) -> dict[str, list[Application]]:
    """Coverage held (with its period and claim deadlines) and claims made, for "我的保障"."""
    rows = list(
        Application.objects.filter(applicant_member=member, rule_id__in=COVERAGE_RULES + CLAIM_RULES).order_by(
            "-policy_year", "-created_at"
        )
    )
    return {
        "coverages": [a for a in rows if a.rule_id in COVERAGE_RULES and a.status in HELD],
        "claims": [a for a in rows if a.rule_id in CLAIM_RULES],
    }


def may_see_application(user: User, application: Application) -> bool:
    """The applicant, or staff whose scope covers it."""
    from . import workflow

    if workflow.is_applicant(user, application):
        return True
    return workflow.in_scope(user, application) and application.rule_id not in hidden_rule_ids(user)


def typed_date(typed: Mapping[str, Any], *names: str) -> date | None:
    """The first of these applicant-stated dates that parses (used only to pick a record)."""
    for name in names:
        value = typed.get(name)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()) if value else None
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class CoverageRecord:
    """A coverage the member holds (an approved coverage application's frozen period)."""

    application: Application
    start: date | None
    end: date | None

    def holds(self, on: date | None) -> bool:
        return on is not None and self.start is not None and self.end is not None and self.start <= on <= self.end


_PRIMED = "_primed_applications"


_PRIMED_STATEMENT: list = []


def primed_rows(member: Member) -> list[Application]:
    """Every application of the member with its organisation, newest policy year first: one statement
    written once per process (the ORM would compile it on every page view)."""
    from jiading_union.rawrows import Columns
    from members.models import Organisation

    if not _PRIMED_STATEMENT:
        applications, organisations = Columns(Application, "a"), Columns(Organisation, "o")
        sql = (
            f"SELECT {applications.sql}, {organisations.sql} FROM {Application._meta.db_table} a "
            f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = a.organisation_id "
            f"WHERE a.applicant_member_id = %s ORDER BY a.policy_year DESC, a.id DESC"
        )
        _PRIMED_STATEMENT[:] = [sql, applications, organisations]
    sql, applications, organisations = _PRIMED_STATEMENT
    from jiading_union.rawrows import fetch_all

    rows = fetch_all(sql, [member.pk])
    n, cached = len(applications), Application.organisation.field.set_cached_value
    primed = []
    for row in rows:
        application = applications.instance(row[:n])
        cached(application, organisations.instance(row[n:]))
        primed.append(application)
    return primed


@contextmanager
def member_records_primed(member: Member, rows: list[Application] | None = None):
    """Within the block, the record lookups of every rule read the member's applications from one
    query (the entitlement scan decides some twenty rules per page view); outside it, each lookup
    reads the database afresh, so a submission never decides on a stale list. `rows`: the list
    primed_rows read already in this request (the scan's two steps share it)."""
    if rows is None:
        rows = primed_rows(member)
    for application in rows:  # application.applicant_member is this (primed) member, not a fresh read
        Application.applicant_member.field.set_cached_value(application, member)
    setattr(member, _PRIMED, rows)
    try:
        yield
    finally:
        delattr(member, _PRIMED)


def member_applications(member: Member, rule_ids: tuple[str, ...], statuses=None) -> list[Application]:
    """The member's applications of these rules (newest first), from the primed list if any."""
    primed = getattr(member, _PRIMED, None)
    if primed is None:
        rows = Application.objects.filter(applicant_member=member, rule_id__in=rule_ids)
        if statuses is not None:
            rows = rows.filter(status__in=statuses)
        return list(rows.select_related("organisation").order_by("-policy_year", "-pk"))
    return [a for a in primed if a.rule_id in rule_ids and (statuses is None or a.status in statuses)]


HOLDING = tuple(s for s in ApplicationStatus.values if s not in (ApplicationStatus.DRAFT, *INACTIVE_STATUSES))


def coverage_records(member: Member, rule_ids: tuple[str, ...]) -> list[CoverageRecord]:
    rows = member_applications(member, rule_ids, GRANTED_STATUSES)
    records = []
    for application in rows:
        dates = application.decision.get("dates", {})
        start, end = dates.get("coverage_start"), dates.get("coverage_end")
        records.append(
            CoverageRecord(
                application, date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None
            )
        )
    return records


def coverage_for_claim(member: Member, rule_ids: tuple[str, ...], on: date | None) -> CoverageRecord | None:
    """The coverage a claim is made against: the one whose period holds the event date, else the
    latest one (the rule then says the event is outside it); None when the member holds none."""
    records = coverage_records(member, rule_ids)
    return next((r for r in records if r.holds(on)), records[0] if records else None)


def claims_against(coverage: CoverageRecord, rule_id: str) -> list[Application]:
    """Claims of the member already made against this coverage and still holding (granted or in review)."""
    start = coverage.start.isoformat() if coverage.start else None
    return [
        a
        for a in member_applications(coverage.application.applicant_member, (rule_id,), HOLDING)
        if a.facts.get("coverage_start") == start
    ]


def holds_application(member: Member, rule_id: str, policy_year: int) -> bool:
    """An application of this rule and year that still holds its place (submitted, in review, granted)."""
    return any(a.policy_year == policy_year for a in member_applications(member, (rule_id,), HOLDING))


def portal_navigation(request) -> tuple[bool, int]:
    """The navigation's two facts — is the login an active member's, how many unread messages — for
    the portal's base template. A member's page has read the member already (portal_member, with the
    count), and the account's statement brings both when it was read this request; otherwise one
    small statement asks both rather than building the member."""
    from members.auth import has_account_companion

    user = request.user
    if hasattr(request, _REQUEST_MEMBER) or has_account_companion(user, PORTAL_MEMBER):
        member = portal_member(request)  # read already, or brought by the account's statement
        if member is not None:
            return True, member.portal_unread
        unread = getattr(request, "_portal_unread", None)
        return False, unread if unread is not None else unread_notifications(user)
    from jiading_union.rawrows import fetch_one

    is_member, unread = fetch_one(
        f"SELECT EXISTS (SELECT 1 FROM {Member._meta.db_table} WHERE user_id = %s AND is_active), "
        f"(SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE recipient_id = %s AND read_at IS NULL)",
        [user.pk, user.pk],
    )
    return bool(is_member), int(unread)


def unread_notifications(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("application")


def total_amount(applications: QuerySet[Application]) -> Decimal:
    from django.db.models import Sum

    return applications.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
