"""How each rule is applied for: review chain, once-only keys, quotas, proofs.

Amounts, conditions and windows come from the rules module; this table says how
an application moves. Each procedure names its source: the policy clause where a
document gives the chain, or "运营约定" (an operational choice) where it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from subsidies.rules.core import Decision
from subsidies.rules.data import PolicyData
from subsidies.rules.prose import render

# Review levels of a chain (projects.models.ReviewLevel values).
GRASSROOTS, STREET, DISTRICT, CITY = "grassroots", "street", "district", "city"


@dataclass(frozen=True)
class Applicant:
    """Who is applying: exactly one of member / organisation, plus the policy year."""

    member_id: int | None
    organisation_id: int | None
    policy_year: int

    @property
    def key(self) -> str:
        return f"member:{self.member_id}" if self.member_id else f"org:{self.organisation_id}"


@dataclass(frozen=True)
class QuotaSpec:
    """A pool of places. capacity_param names the policy-data param holding the number;
    pools without one (offerings, per-street allocations) must be created by staff first."""

    key: str
    label: str
    capacity_param: str | None = None
    # 先到先得: the pool is created first-come (projects.models.QuotaPool.first_come); once district staff
    # set its opening time, requests from then on queue in arrival order (projects.services.queue).
    first_come: bool = False


DedupFn = Callable[[Applicant, Mapping[str, Any]], str | None]
# (applicant, facts, the year's current policy data — None where the caller has not read it: the
# function then reads the shipped file) -> the pools the application takes places from.
QuotaFn = Callable[[Applicant, Mapping[str, Any], PolicyData | None], list[QuotaSpec]]
# A chain that depends on the decision (its route) or on the year's data (a chain the policy data holds,
# e.g. skill_award_review_chain, which district staff may override): (decision, current data) -> levels.
ChainFn = Callable[[Decision, PolicyData], tuple[str, ...]]


def once_per_year(applicant: Applicant, facts: Mapping[str, Any]) -> str:
    return f"{applicant.key}:{applicant.policy_year}"


def once_per_year_for_organisations(applicant: Applicant, facts: Mapping[str, Any]) -> str | None:
    return f"{applicant.key}:{applicant.policy_year}" if applicant.organisation_id else None


def once_per_fact(*names: str) -> DedupFn:
    def key(applicant: Applicant, facts: Mapping[str, Any]) -> str | None:
        values = [facts.get(n) for n in names]
        if any(v in (None, "") for v in values):
            return None
        return ":".join([applicant.key, str(applicant.policy_year), *map(str, values)])

    return key


def once_ever_for(kind: str, *names: str) -> DedupFn:
    """One award for the thing awarded, whoever applies and in whichever policy year (a certificate,
    an apprentice's promotion, a patent). Values are normalised: case, spaces and full-width forms."""

    def key(applicant: Applicant, facts: Mapping[str, Any]) -> str | None:
        values = [facts.get(n) for n in names]
        if any(v in (None, "") for v in values):
            return None
        return ":".join([kind, *(_normalise(v) for v in values)])

    return key


def _normalise(value: Any) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(value)).upper().split())


@dataclass(frozen=True)
class Procedure:
    rule_id: str
    chain: tuple[str, ...] | ChainFn
    chain_source: str  # the clause (or operational reason) for the chain; a template (describe_chain)
    dedup: DedupFn | None = None
    dedup_message: str = "您已有该项目的有效申请，不能重复申请。"
    quotas: QuotaFn | None = None
    proofs: tuple[str, ...] = ()  # attachment kinds required before review
    applicable: bool = True  # False: a calculator/registry rule nobody applies for
    # "required": the applicant picks one of the open Offerings (its places, its fixed facts);
    # "optional": a offering may be picked; None: no offerings.
    offering: str | None = None
    places_fact: str | None = None  # the fact holding how many places one application takes
    # Facts taken from records the project app keeps, locked like profile facts:
    # locked_facts(member, organisation, policy_year, typed) -> {record fact name: value}; `typed` is
    # what the applicant stated, to pick the record (e.g. the coverage holding the event date).
    locked_facts: Callable[..., dict[str, Any]] | None = None
    # Steps of the project app, run inside the transition's transaction. on_submit may
    # refuse with ApplicationError (e.g. a roster that does not match); on_approved
    # creates the app's records (e.g. a legal-aid case to assign).
    on_submit: Callable[[Any], None] | None = None
    on_approved: Callable[[Any], None] | None = None
    # Confidential applications (counselling): only users explicitly granted this permission
    # ("app_label.codename"), directly or through a group, see them — superuser alone is not a grant.
    confidential_permission: str | None = None
    # Pages of the project app: `detail_url` (a URL name taking the application reference) shows the
    # applicant what follows approval (e.g. the assigned lawyer); `apply_links` are (label, URL name)
    # pairs shown on the apply form (e.g. a roster template).
    detail_url: str | None = None
    apply_links: tuple[tuple[str, str], ...] = ()
    # Bookings (no review chain) are approved on submission only up to this policy-data param's
    # amount; above it (or for any positive amount when None) the district reviews first.
    auto_approve_ceiling: str | None = None

    def review_chain(self, decision: Decision, data: PolicyData | None) -> tuple[str, ...]:
        """`data` (the year's current policy data) is needed only by a callable chain."""
        return tuple(self.chain(decision, data)) if callable(self.chain) else self.chain

    def describe_chain(self, data: PolicyData) -> str:
        """chain_source as the applicant reads it: a chain the policy data holds is rendered from it
        ({skill_award_review_chain:levels}, subsidies.rules.prose)."""
        return render(self.chain_source, data)


# Filled once the app registry is ready (projects.apps.ProjectsConfig.ready → autodiscover): every
# installed project app (a projects.apps.ProjectAppConfig) declares the procedures of its rules in
# <app>/procedures.py. Adding a project app = the app and its INSTALLED_APPS line; nothing else lists it.
PROCEDURES: dict[str, Procedure] = {}
# {catalogue code: [(label, URL name)]}, shown on the project page.
PROJECT_LINKS: dict[str, list[tuple[str, str]]] = {}
# [(label, URL name)], shown on the member's coverage page.
MEMBER_LINKS: list[tuple[str, str]] = []
# [callable(user, today) -> (label, count, url)], on the district dashboard.
DASHBOARD_ITEMS: list[Callable[..., tuple[str, int, str]]] = []


def autodiscover() -> None:
    """Import <app>.procedures of every installed project app, as the admin discovers admin.py."""
    from importlib import import_module

    from django.apps import apps

    from .app_config import ProjectAppConfig

    if PROCEDURES:
        return
    for config in apps.get_app_configs():
        if not isinstance(config, ProjectAppConfig):
            continue
        module = import_module(f"{config.name}.procedures")
        for procedure in module.PROCEDURES:
            if procedure.rule_id in PROCEDURES:
                raise ValueError(f"procedure for {procedure.rule_id} declared twice")
            PROCEDURES[procedure.rule_id] = procedure
        for code, links in getattr(module, "PROJECT_LINKS", {}).items():
            PROJECT_LINKS.setdefault(code, []).extend(links)
        MEMBER_LINKS.extend(getattr(module, "MEMBER_LINKS", ()))
        DASHBOARD_ITEMS.extend(getattr(module, "DASHBOARD_ITEMS", ()))


def procedure_for(rule_id: str) -> Procedure:
    try:
        return PROCEDURES[rule_id]
    except KeyError:
        raise LookupError(f"no application procedure for rule {rule_id}") from None
