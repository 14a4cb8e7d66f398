"""The outreach scan (政策找人): every member's record through the rules of the year in force, on the
portal's own decision path, read with a few set-based queries per chunk and written in bulk.

Per chunk of members: one query for the members (with their unit and street), one for the year's
dues, one for their applications; the rest is the same code the entitlement page runs
(projects.selectors.locked_facts → projects.selectors.member_decision, the entitlement page's own call), with
each member's applications primed the way member_records_primed primes them. The record lookups a
procedure makes per call that do not depend on the member (the unit's chosen coverage class, the
flower expo's running total) are answered from one read per scan (`primed_lookups`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db.models import QuerySet

from members.models import DuesRecord, Member, Organisation
from projects import selectors as project_selectors
from projects.counselling.services import unit_facts
from projects.flexible_workers.records import (
    PRIMED_UPLOAD,
    benefit_locked_facts,
    coverage_locked_facts,
    registrations_primed,
)
from projects.flower_expo.services import flower_expo_locked_facts
from projects.member_card.services import (
    basic_coverage_locked_facts,
    city_condolence_locked_facts,
    coverage_benefit_locked_facts,
    district_condolence_locked_facts,
)
from projects.models import Application
from projects.procedures import PROCEDURES
from projects.selectors import (
    HOLDING,
    PROJECTS_BY_CODE,
    Entitlement,
    locked_facts,
    member_decision,
    member_rules,
)
from subsidies.rules.base import Rule
from subsidies.rules.core import Decision
from subsidies.rules.facts import FactsError
from subsidies.selectors import policy_data, policy_version, reference_data

CHUNK = 2000
logger = logging.getLogger(__name__)


def profile_of(member: Member, dues_in_one_go: list[bool]) -> dict[str, Any]:
    """projects.selectors.member_profile, with the year's dues read for the whole chunk at once
    (tests/outreach/test_scan.py holds the two equal)."""
    return project_selectors.profile_from_record(
        member, paid_dues=bool(dues_in_one_go), paid_in_one_go=any(dues_in_one_go)
    )


@dataclass
class Primed:
    """One chunk of members with everything the rules read about them."""

    members: list[Member]
    profiles: dict[int, dict[str, Any]]


def member_chunks(members: QuerySet[Member], today: date, size: int = CHUNK) -> Iterator[Primed]:
    """Members in primary-key order, `size` at a time: four queries per chunk (members, dues,
    applications, pending real-name registrations). Units and streets are read once per scan and
    shared by their members (no select_related: one model instance per member, not three)."""
    base = members.filter(is_active=True).order_by("pk")
    organisations = Organisation.objects.in_bulk()
    set_unit = Member.organisation.field.set_cached_value
    set_street = Member.street.field.set_cached_value
    last = 0
    while True:
        chunk = list(base.filter(pk__gt=last)[:size])
        if not chunk:
            return
        last = chunk[-1].pk
        ids = [m.pk for m in chunk]
        dues: dict[int, list[bool]] = defaultdict(list)
        for member_id, in_one_go in DuesRecord.objects.filter(member_id__in=ids, year=today.year).values_list(
            "member_id", "paid_in_one_go"
        ):
            dues[member_id].append(in_one_go)
        applications: dict[int, list[Application]] = defaultdict(list)
        for application in (
            Application.objects.filter(applicant_member_id__in=ids)
            .select_related("organisation")
            .order_by("-policy_year", "-pk")
        ):
            applications[application.applicant_member_id].append(application)
        for member in chunk:
            set_unit(member, organisations[member.organisation_id])
            if member.street_id is not None:
                set_street(member, organisations[member.street_id])
            # What member_records_primed sets: every record lookup of the rules reads this list.
            rows = applications.get(member.pk, [])
            for application in rows:
                Application.applicant_member.field.set_cached_value(application, member)
            setattr(member, project_selectors._PRIMED, rows)
        registrations_primed(chunk)
        yield Primed(chunk, {m.pk: profile_of(m, dues.get(m.pk, [])) for m in chunk})


@contextmanager
def primed_lookups(policy_years: Iterable[int]):
    """Answer the procedures' per-call lookups that do not depend on the member from one read each."""
    from projects.flower_expo.selectors import expo_visits_totals_primed
    from projects.member_card.selectors import unit_coverage_classes_primed

    with unit_coverage_classes_primed(policy_years), expo_visits_totals_primed():
        yield


class Found(NamedTuple):
    member: Member
    rule: Rule
    decision: Decision
    state: str
    applied: bool


def _member_independent(member: Member) -> None:
    return None


def _unit(member: Member) -> int:
    return member.organisation_id


def _registration(member: Member) -> tuple:
    return (member.employment_type, getattr(member, PRIMED_UPLOAD, None))


# What each procedure's record lookup (Procedure.locked_facts) reads about a member who holds no
# application: its answer is the same for every member with the same inputs, so it is asked once
# per distinct inputs. A lookup not named here is asked for every member (always exact).
RECORD_INPUTS: dict[Callable, Callable[[Member], Hashable]] = {
    coverage_locked_facts: _registration,  # employment type and the pending registration's upload
    benefit_locked_facts: _member_independent,  # no coverage held: {}
    unit_facts: _unit,  # the unit's level and status
    basic_coverage_locked_facts: _unit,  # the unit's level and chosen class; no share held
    city_condolence_locked_facts: _member_independent,  # no coverage, nothing paid
    district_condolence_locked_facts: _member_independent,
    coverage_benefit_locked_facts: _member_independent,
    flower_expo_locked_facts: _member_independent,  # the expo's running total
}


@dataclass
class _Plan:
    """One rule as the scan decides it: the profile names its facts read, its record lookup."""

    rule: Rule
    names: tuple[str, ...]
    hook: Callable | None
    inputs: Callable[[Member], Hashable] | None
    memo: bool  # the lookup's answer for a member without applications depends only on `inputs`


class Scanner:
    """The rules, policy data and reference data of one scan day, read once.

    Decisions are memoised: a rule's decision is a pure function of the facts and record facts it
    is given (subsidies.selectors.decide), and those are a function of the profile values its
    facts name and the answer of its procedure's record lookup. Most members share those values
    (same card state, employment type, birth date, unit…), so each rule is decided once per
    distinct values and the decision shared; a member holding applications has the lookups asked
    for them (as the entitlement page does), and the decision is still shared on equal answers."""

    def __init__(self, today: date):
        self.today = today
        self.rules = member_rules(today.year)
        self.years = sorted({r.policy_year for r in self.rules})
        self.data = {year: policy_data(year) for year in self.years}
        self.refs = reference_data()
        self.skipped = 0
        self.plans = []
        for rule in self.rules:
            procedure = PROCEDURES.get(rule.rule_id)
            hook = procedure.locked_facts if procedure is not None else None
            names = tuple(dict.fromkeys(f.profile for f in rule.schema if f.profile and f.profile != "today"))
            inputs = RECORD_INPUTS.get(hook) if hook is not None else None
            self.plans.append(_Plan(rule, names, hook, inputs, hook is None or inputs is not None))
        self._decisions: dict[tuple, tuple[Decision, str] | FactsError] = {}
        self._lookups: dict[tuple, frozenset] = {}
        self.decided = 0  # rule evaluations actually run (the rest shared)

    def version(self) -> dict[str, list]:
        return {str(year): [str(v) for v in policy_version(year)] for year in self.years}

    def decide_member(self, member: Member, profile: dict[str, Any]) -> list[Found]:
        """Every rule for one member; a record the rules cannot read (a value outside a rule's
        choices) skips the member, loudly, as the entitlement page would fail on it."""
        try:
            return self._decide_member(member, profile)
        except FactsError as exc:
            logger.error("政策找人：会员 %s 的记录无法判定，已跳过：%s", member.pk, exc)
            self.skipped += 1
            return []

    def _evaluate(self, rule: Rule, member: Member, profile: dict[str, Any]) -> tuple[Decision, str] | FactsError:
        """The one-member path (projects.selectors.member_decision, as 我可以申请的 decides): locked facts, then decide."""
        self.decided += 1
        try:
            locked = locked_facts(rule, member=member, organisation=None, today=self.today, profile=profile)
            decision = member_decision(rule, profile, locked, data=self.data[rule.policy_year], refs=self.refs).decision
        except FactsError as exc:
            return exc
        return decision, Entitlement(rule, decision, PROJECTS_BY_CODE[rule.project]).state

    def _lookup(self, plan: _Plan, member: Member) -> frozenset:
        """The record lookup's answer for a member without applications, asked once per inputs."""
        key = (plan.hook, plan.rule.policy_year, plan.inputs(member))
        answer = self._lookups.get(key)
        if answer is None:
            extra = plan.hook(member, None, plan.rule.policy_year, {})
            answer = self._lookups[key] = frozenset(
                (k, v) for k, v in extra.items() if k in plan.rule.schema and v is not None
            )
        return answer

    def _decide_member(self, member: Member, profile: dict[str, Any]) -> list[Found]:
        found = []
        held = getattr(member, project_selectors._PRIMED)
        decisions = self._decisions
        for index, plan in enumerate(self.plans):
            rule = plan.rule
            values = tuple([profile.get(name) for name in plan.names])
            if not held and plan.memo:
                key = (index, values, self._lookup(plan, member) if plan.hook is not None else None)
            else:  # the lookups read this member's applications: asked for the member
                locked = locked_facts(rule, member=member, organisation=None, today=self.today, profile=profile)
                try:
                    key = (index, values, "held", frozenset(locked.items()))
                    hash(key)
                except TypeError:
                    key = None
            decided = decisions.get(key) if key is not None else None
            if decided is None:
                decided = self._evaluate(rule, member, profile)
                if key is not None:
                    decisions[key] = decided
            if isinstance(decided, FactsError):
                raise decided
            decision, state = decided
            applied = bool(held) and any(
                a.rule_id == rule.rule_id and a.policy_year == rule.policy_year and a.status in HOLDING for a in held
            )
            found.append(Found(member, rule, decision, state, applied))
        return found

    def scan(self, members: QuerySet[Member], size: int = CHUNK) -> Iterator[list[Found]]:
        """Findings chunk by chunk (a list per chunk of members)."""
        with primed_lookups(self.years):
            for primed in member_chunks(members, self.today, size):
                rows = []
                for member in primed.members:
                    rows.extend(self.decide_member(member, primed.profiles[member.pk]))
                yield rows
