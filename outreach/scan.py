"""The outreach scan (政策找人): every member's record through the rules of the year in force, on the
portal's own decision path, read with a few set-based queries per chunk and written in bulk.

Per chunk of members: one query for the members (with their unit and street), one for the year's
dues, one for their applications; the rest is the same code the entitlement page runs
(projects.selectors.locked_facts → subsidies.selectors.decide with the same prefilled facts), with
each member's applications primed the way member_records_primed primes them. The record lookups a
procedure makes per call that do not depend on the member (the unit's chosen coverage class, the
flower expo's running total) are answered from one read per scan (`primed_lookups`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from members.models import DuesRecord, Member
from projects import selectors as project_selectors
from projects.models import Application
from projects.selectors import (
    HOLDING,
    PROJECTS_BY_CODE,
    Entitlement,
    locked_facts,
    member_rules,
    prefilled_facts,
)
from subsidies.rules.base import Rule
from subsidies.rules.core import Decision
from subsidies.rules.facts import FactsError
from subsidies.selectors import decide, policy_data, policy_version, reference_data

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
    """Members in primary-key order, `size` at a time: three queries per chunk."""
    base = members.filter(is_active=True).select_related("organisation", "street").order_by("pk")
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
            # What member_records_primed sets: every record lookup of the rules reads this list.
            setattr(member, project_selectors._PRIMED, applications.get(member.pk, []))
        yield Primed(chunk, {m.pk: profile_of(m, dues.get(m.pk, [])) for m in chunk})


@contextmanager
def primed_lookups(policy_years: Iterable[int]):
    """Answer the procedures' per-call lookups that do not depend on the member from one read each."""
    from projects.flower_expo.selectors import expo_visits_totals_primed
    from projects.member_card.selectors import unit_coverage_classes_primed

    with unit_coverage_classes_primed(policy_years), expo_visits_totals_primed():
        yield


@dataclass(frozen=True)
class Found:
    member: Member
    rule: Rule
    decision: Decision
    state: str
    applied: bool


class Scanner:
    """The rules, policy data and reference data of one scan day, read once."""

    def __init__(self, today: date):
        self.today = today
        self.rules = member_rules(today.year)
        self.years = sorted({r.policy_year for r in self.rules})
        self.data = {year: policy_data(year) for year in self.years}
        self.refs = reference_data()
        self.skipped = 0

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

    def _decide_member(self, member: Member, profile: dict[str, Any]) -> list[Found]:
        found = []
        for rule in self.rules:
            locked = locked_facts(rule, member=member, organisation=None, today=self.today, profile=profile)
            decision = decide(
                rule_id=rule.rule_id,
                year=rule.policy_year,
                facts=prefilled_facts(rule, profile),
                locked=locked,
                partial=True,
                strict=False,
                data=self.data[rule.policy_year],
                refs=self.refs,
            ).decision
            state = Entitlement(rule, decision, PROJECTS_BY_CODE[rule.project]).state
            applied = any(
                a.rule_id == rule.rule_id and a.policy_year == rule.policy_year and a.status in HOLDING
                for a in getattr(member, project_selectors._PRIMED)
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
