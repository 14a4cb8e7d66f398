"""Issue 9, "Done when": every door, not only the front one.

For every model registered in the admin (third-party ones included) × every role × its object in
our scope and in another scope (or its one global object): changelist, add (GET, POST into either
scope), change (GET, POST with a field modified, POST moving it into the other scope), history
(GET, POST), history version (GET, POST), delete (GET, POST), every changelist action, and every
custom admin URL. Then the member portal's pages that take an id or a reference.

What each role may do is the EXPECTED table below, written from members/roles.py, each app's
roles.py and the admin classes' docstrings — never asked from the admin at test time, so a wrong
admin class is caught. The checks:

  (a) no response is a 5xx (nor an exception);
  (b) a POST a role may not make leaves every watched table exactly as it was; a POST it may make
      does change something (so the refusals are not vacuous) — each POST runs in a savepoint that
      is rolled back, so every cell starts from the same world;
  (c) another scope's object is a 404 / 403 (never 200) on every object URL and absent from lists;
  (d) history never writes: a POST to a history page is a 405 for every staff user;
  (e) anonymous users and members (portal logins) are sent to the login page everywhere.

Every wrong cell is collected and reported at once, one line each.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from jiading_union.admin import ScopedAdmin
from tests.doors import world as W

pytestmark = pytest.mark.django_db

# --- Who may do what --------------------------------------------------------------------------------

G, OG, S, OS, D, SU, C = (
    "grassroots",
    "other_grassroots",
    "street",
    "other_street",
    "district",
    "superuser",
    "counsellor",
)
NOBODY: frozenset[str] = frozenset()
GR, ST, DI = frozenset({G, OG}), frozenset({S, OS}), frozenset({D, SU})
ROOT = frozenset({SU})
STAFF = frozenset({G, OG, S, OS, D, SU, C})

# Where a model's rows live, i.e. which roles' scope holds our ("own") and the other ("other") object:
UNIT = "unit"  # a unit's rows: its grassroots union, its street, the district
STREET = "street"  # a street's rows: the street, the district (grassroots unions see none)
ALL_STAFF = "all staff"  # everyone on the staff sees every row (permission permitting)
GLOBAL = "global"  # one shared object, scoped by permission only
CONFIDENTIAL = "confidential"  # counsellors only, not even the superuser

IN_SCOPE = {
    UNIT: {"own": {G, S, D, SU}, "other": {OS, D, SU}},
    STREET: {"own": {S, D, SU}, "other": {OS, D, SU}},
}


@dataclass(frozen=True)
class May:
    """Which roles hold each right on a model; a right is used only inside the role's scope.
    `writes` is the scope for add/change/delete when it is narrower than what one may see."""

    scope: str
    view: frozenset[str]
    add: frozenset[str] = NOBODY
    change: frozenset[str] = NOBODY
    delete: frozenset[str] = NOBODY
    writes: str | None = None
    form: bool = True  # False: the change page is read-only for everyone; changes go through other doors
    moves: frozenset[str] = NOBODY  # who may move an object into, or point it at, another scope


# The superuser holds every permission: it may do whatever an admin class does not refuse outright.
# `moves`: only where the district edits the field that places a row in the tree (a unit's parent
# street, a member's unit, …); everywhere else that field is fixed once the row exists.
# "Nobody below district deletes; nobody deletes applications" (docs/architecture.md).
EXPECTED: dict[str, May] = {
    # members/roles.py
    "members.organisation": May(UNIT, view=GR | ST | DI, add=DI, change=ST | DI, delete=ROOT, moves=DI),
    "members.member": May(UNIT, view=GR | ST | DI, add=DI, change=GR | ST | DI, delete=ROOT, moves=DI),
    "members.duesrecord": May(UNIT, view=GR | ST | DI, add=GR | DI, change=GR | DI, delete=ROOT, moves=DI),
    # staff accounts: the district manages grassroots and street accounts everywhere
    "members.user": May(GLOBAL, view=DI, add=DI, change=DI, delete=ROOT, moves=DI),
    # subsidies/roles.py
    "subsidies.referencevalue": May(GLOBAL, view=GR | ST | DI, add=DI, change=DI, delete=ROOT),
    # corrected through the validated editor only; "a correction is replaced by another": no delete
    "subsidies.policyoverride": May(GLOBAL, view=GR | ST | DI, change=DI, form=False),
    # district only, maker-checker through actions; a payout batch is evidence of payment: nobody deletes
    "payouts.payoutbatch": May(GLOBAL, view=DI, change=DI, form=False),
    # projects/roles.py: reviewing is "change" (transitions, actions); no role adds or deletes applications
    "projects.application": May(UNIT, view=GR | ST | DI, change=GR | ST | DI, form=False),
    # sessions are public offerings: every reviewer sees them; only the organiser's own scope changes one
    "projects.offering": May(ALL_STAFF, view=ST | DI, add=ST | DI, change=ST | DI, delete=ROOT, writes=STREET),
    "projects.quotapool": May(ALL_STAFF, view=ST | DI, add=DI, change=DI, delete=ROOT),
    # projects/worker_school/roles.py: the district records checks; the street sees its own
    "worker_school.sitecheck": May(STREET, view=ST | DI, add=DI, change=DI, delete=ROOT),
    "worker_school.workerschool": May(STREET, view=ST | DI, change=DI, delete=ROOT),
    # projects/legal/roles.py
    "legal.legalaidcentre": May(GLOBAL, view=ST | DI, add=DI, change=DI, delete=ROOT),
    "legal.lawyer": May(GLOBAL, view=ST | DI, add=DI, change=DI, delete=ROOT),
    "legal.legalaidcase": May(UNIT, view=ST | DI, change=DI),
    "legal.legalcheckupallocation": May(STREET, view=ST | DI, add=DI, change=DI),
    "legal.legalcheckuprecord": May(UNIT, view=GR | ST | DI, change=DI),
    # projects/flexible_workers/roles.py: the street records; the district follows up (and may delete)
    "flexible_workers.servicedelivery": May(STREET, view=ST | DI, add=ST | ROOT, change=ST | ROOT, delete=DI),
    # 2019 §4 (一): the member's street union registers (the coverage follows); a registration is a record
    "flexible_workers.realnameregistration": May(STREET, view=ST | DI, add=ST | DI, form=False),
    # read-only for every role
    "sanitation.sanitationroster": May(UNIT, view=GR | ST | DI),
    # only the group 心理咨询师 — not the district, not a superuser without the grant
    "counselling.counsellingrecord": May(CONFIDENTIAL, view=frozenset({C}), change=frozenset({C})),
    "counselling.lectureschedule": May(UNIT, view=GR | ST | DI, add=DI, change=DI, delete=ROOT),
    # street/town unions keep their points, stations and schedules; the district all
    "health_points.healthservicepoint": May(STREET, view=ST | DI, add=ST | DI, change=ST | DI, delete=ROOT, moves=DI),
    "health_points.serviceevent": May(STREET, view=ST | DI, add=ST | DI, change=ST | DI, delete=ROOT, moves=DI),
    "outdoor_care.carestation": May(STREET, view=ST | DI, add=ST | DI, change=ST | DI, delete=ROOT, moves=DI),
    # registers created by approving a grant; the district keeps them current
    "reading_rooms.readingroom": May(UNIT, view=ST | DI, change=DI, delete=ROOT),
    "womens_care.mommyroom": May(UNIT, view=ST | DI, change=DI, delete=ROOT),
    "womens_care.parentchildstudio": May(UNIT, view=ST | DI, change=DI, delete=ROOT),
    # every level organises visits and completes its own trips
    "flower_expo.expotrip": May(UNIT, view=GR | ST | DI, change=GR | ST | DI, delete=ROOT),
    # the unit's grassroots union chooses its coverage class; the district may choose for it
    "member_card.unitcoverageclass": May(UNIT, view=GR | ST | DI, add=GR | DI, change=GR | DI, delete=ROOT),
    # hardship members' wishes: street and district staff only
    "micro_wishes.microwish": May(UNIT, view=ST | DI, change=ST | DI, delete=ROOT),
    # the district schedules caravan visits; the host and its street read them
    "caravan.caravanvisit": May(UNIT, view=GR | ST | DI, add=DI, change=DI, delete=ROOT),
    # outreach/roles.py: the entitled non-applicants (政策找人), read-only, street/town and district
    "outreach.finding": May(UNIT, view=ST | DI),
    # third-party models: no role holds a permission on them; only the superuser
    "auth.group": May(GLOBAL, view=ROOT, add=ROOT, change=ROOT, delete=ROOT),
    # outreach/roles.py: district staff change the daily jobs' schedules (not their task or arguments)
    # and may add a crontab to choose; nobody below the superuser adds or deletes a periodic task
    "django_celery_beat.periodictask": May(GLOBAL, view=DI, add=ROOT, change=DI, delete=ROOT),
    "django_celery_beat.intervalschedule": May(GLOBAL, view=ROOT, add=ROOT, change=ROOT, delete=ROOT),
    "django_celery_beat.crontabschedule": May(GLOBAL, view=DI, add=DI, change=ROOT, delete=ROOT),
    "django_celery_beat.solarschedule": May(GLOBAL, view=ROOT, add=ROOT, change=ROOT, delete=ROOT),
    "django_celery_beat.clockedschedule": May(GLOBAL, view=ROOT, add=ROOT, change=ROOT, delete=ROOT),
    # django-axes records are written by sign-ins; the admin only reads and clears them
    "axes.accessattempt": May(GLOBAL, view=ROOT, change=ROOT, delete=ROOT),
    "axes.accesslog": May(GLOBAL, view=ROOT, change=ROOT, delete=ROOT),
    "axes.accessfailurelog": May(GLOBAL, view=ROOT, change=ROOT, delete=ROOT),
}

# Changelist actions: which roles make the action change each object (everyone else must leave it as
# it was). delete_selected follows the delete right. Objects: see tests/doors/world.py.
ACTIONS: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    "projects.application": {
        # own: at grassroots review; own_approved: approved with an amount; other: far unit, grassroots review
        "approve_selected": {"own": frozenset({G})},
        "return_selected": {"own": frozenset({G})},
        "reject_selected": {"own": frozenset({G})},
    },
    "micro_wishes.microwish": {  # an open wish without a description: nothing to claim, fulfil or release
        "claim_selected": {},
        "fulfil_selected": {},
        "release_selected": {},
    },
    "legal.legalcheckuprecord": {"complete_selected": {}},  # still in its training phase
    "django_celery_beat.periodictask": {
        "enable_tasks": {},
        "disable_tasks": {"global": DI},
        "toggle_tasks": {"global": DI},
        "run_tasks": {},
    },
    "axes.accessattempt": {"cleanup_expired_attempts": {}},
}

# Application transitions through the admin's transition URL: who makes each one change each object.
TRANSITION_WRITERS = {
    "approve": {"own": frozenset({G})},
    "return": {"own": frozenset({G})},
    "reject": {"own": frozenset({G})},
    "close": {"own_approved": DI},  # district staff close an approved application
}
# Recalculating records an event: the reviewer at the current level, or the district once approved.
RECALCULATE_WRITERS = {"own": frozenset({G}), "own_approved": DI}
ACTION_FORM = {
    "index": "0",
    "post": "yes",
    "apply": "1",
    "comment": "矩阵测试的理由",
    "donor": "矩阵认领单位",
    "fulfilled_on": "2021-06-20",
    "reason": "矩阵测试",
    "note": "",
}
NEW_PASSWORD = "Mx9#reset-Passw0rd!"


# --- The run -------------------------------------------------------------------------------------


def may(spec: May, right: str, role: str, tag: str) -> bool:
    """May `role` use `right` on the object `tag` (or, for add, on a new object in that scope)?"""
    if role not in getattr(spec, right):
        return False
    scope = spec.writes if right != "view" and spec.writes else spec.scope
    if W.scope_of(tag) == "hidden":
        return False
    if scope in (GLOBAL, ALL_STAFF, CONFIDENTIAL):
        return True
    return role in IN_SCOPE[scope][W.scope_of(tag)]


def sees(spec: May, role: str, tag: str) -> bool:
    return may(spec, "view", role, tag) or may(spec, "change", role, tag)


@dataclass
class Run:
    client: object
    world: W.World
    label: str
    tables: tuple[str, ...]
    scoped: bool
    users: dict | None = None  # role → user (default: the world's)
    login_url: str = "/admin/login/"
    outsiders: tuple[str, ...] = ("anonymous", "member")  # sent to login_url by every door
    role: str = ""
    cells: int = 0
    wrong: list[str] = field(default_factory=list)  # one line per failed check
    wrong_cells: set[tuple[str, str]] = field(default_factory=set)  # (role, door): a cell fails once
    listed: int | None = None  # the rows the role's changelist shows (None: no list seen)

    def login(self, role: str):
        self.role = role
        user = (self.users or self.world.users)[role]
        self.client.logout()
        if user is not None:
            self.client.force_login(user)

    def _fail(self, door: str, message: str):
        self.wrong.append(f"{self.label} | {self.role} | {door}: {message}")
        self.wrong_cells.add((self.role, door))

    def _send(self, method: str, url: str, data=None):
        try:
            return getattr(self.client, method.lower())(url, data or {}), None
        except Exception as exc:  # noqa: BLE001 — an exception in a view is a 500 to the user
            return None, f"{type(exc).__name__}: {exc}"

    def _outcome(self, door, response, error, allowed, ok_statuses=(200,)) -> bool:
        """Status checks common to GET and POST; False when the cell already failed."""
        self.cells += 1
        if error:
            self._fail(door, f"raised {error}")
            return False
        status = response.status_code
        location = response.get("Location", "")
        if status >= 500:
            self._fail(door, f"{status}")
            return False
        if self.role in self.outsiders:
            if not (status == 302 and location.startswith(self.login_url)):
                self._fail(door, f"expected a redirect to {self.login_url}, got {status} {location}")
                return False
            return True
        if allowed and status not in ok_statuses:
            self._fail(door, f"expected {ok_statuses}, got {status} {location}{_form_errors(response)}")
            return False
        if not allowed:
            denied = {403, 404, 405} if self.scoped else {403, 404, 405, 302}
            if status not in denied or (status == 302 and location.rstrip("/") != "/admin"):
                self._fail(door, f"expected a refusal (403/404), got {status} {location}")
                return False
        return True

    def get(self, door: str, url: str, allowed: bool, ok_statuses=(200,)):
        response, error = self._send("GET", url)
        self._outcome(door, response, error, allowed, ok_statuses)
        return response

    def post(
        self,
        door: str,
        url: str,
        data,
        *,
        allowed: bool,
        writes: bool | None = None,
        must_change: bool = False,
        target=None,
        ok_statuses=(200, 302),
        denied_statuses=None,
        keep_target_only: bool = False,
        keep_columns: tuple[str, ...] = (),
        only_table: str = "",
    ):
        """POST inside a savepoint that is rolled back.

        allowed: the role may use this door (else a refusal status is expected);
        writes:  the role may change something through it (default: allowed) — if not, every watched
                 table must be exactly as it was;
        must_change: the target row (or, without one, some watched table) must change;
        keep_target_only: a refusal need only keep the target row as it was (others may be re-saved);
        keep_columns: …and of the target, only these columns (a re-save may stamp updated_at);
        only_table: judge by this watched table alone (an inline's, while its parent may be re-saved)."""
        writes = allowed if writes is None else writes
        keep_target_only = keep_target_only or bool(keep_columns)
        with transaction.atomic():
            before = W.snapshot(self.tables)
            target_before = W.row(target) if target is not None else None
            response, error = self._send("POST", url, data)
            after = W.snapshot(self.tables)
            target_after = W.row(target) if target is not None else None
            transaction.set_rollback(True)
        if only_table:
            before, after = ({only_table: snap[only_table]} for snap in (before, after))
        if keep_columns:
            target_before, target_after = (
                {c: r[c] for c in keep_columns} if r else r for r in (target_before, target_after)
            )
        self._outcome(door, response, error, allowed, ok_statuses)
        if response is None:
            return None
        changed = (target_before != target_after) if keep_target_only else before != after
        if self.role in self.outsiders or not writes:
            if changed:
                self._fail(
                    door,
                    "a refused write went through ("
                    + (_row_diff(target_before, target_after) if keep_target_only else _diff(before, after))
                    + ")",
                )
            elif denied_statuses and self.role not in self.outsiders and response.status_code not in denied_statuses:
                self._fail(door, f"expected {denied_statuses}, got {response.status_code}")
        elif must_change:
            did = (target_before != target_after) if target is not None else changed
            if not did:
                self._fail(
                    door, f"a permitted write changed nothing (status {response.status_code}{_form_errors(response)})"
                )
        return response


def _diff(before, after) -> str:
    """Each changed table, briefly: rows added, removed, and the columns that changed."""
    parts = []
    for table, rows in before.items():
        new_rows = after[table]
        if rows == new_rows:
            continue
        if "rows" in rows:  # a history table: (size, newest id)
            parts.append(f"{table}: {new_rows['rows'][0] - rows['rows'][0]} history rows written")
            continue
        added, removed = new_rows.keys() - rows.keys(), rows.keys() - new_rows.keys()
        changed = {
            pk: sorted(k for k in rows[pk] if rows[pk][k] != new_rows[pk][k])
            for pk in rows.keys() & new_rows.keys()
            if rows[pk] != new_rows[pk]
        }
        parts.append(
            f"{table}: {len(added)} added, {len(removed)} removed" + (f", changed {changed}" if changed else "")
        )
    return "; ".join(parts)[:500]


def _columns(model, fields: dict) -> tuple[str, ...]:
    """The columns behind form fields that are model fields (a foreign key's is its attname)."""
    names = {f.name for f in model._meta.concrete_fields}
    return tuple(model._meta.get_field(name).column for name in fields if name in names)


def _row_diff(before, after) -> str:
    if before is None or after is None:
        return "the row was deleted"
    return f"changed {sorted(k for k in before if before[k] != after[k])}"


def _form_errors(response) -> str:
    context = getattr(response, "context", None)
    try:
        form = context["adminform"].form if context and "adminform" in context else None
    except (KeyError, TypeError):
        form = None
    if form is not None and form.errors:
        return f"; form errors {dict(form.errors)}"[:400]
    return ""


STANDARD_URLS = ("changelist", "add", "history", "delete", "change", "simple_history")


def custom_url_names(model_admin) -> list[str]:
    opts = model_admin.model._meta
    standard = {f"{opts.app_label}_{opts.model_name}_{suffix}" for suffix in STANDARD_URLS}
    return [p.name for p in model_admin.get_urls() if p.name and p.name not in standard]


def _u(name, *args):
    return reverse(f"admin:{name}", args=args)


def custom_doors(run: Run, spec: May, name: str, objects: dict) -> bool:
    """The custom admin URLs, each with who may use it. False: no door is known for this URL."""
    role = run.role
    if name == "projects_application_transition":
        from projects import workflow

        for tag, obj in objects.items():
            run.get(f"GET transition [{tag}]", _u(name, obj.pk, "approve"), allowed=False)  # POST only
            for action in workflow.TRANSITIONS:
                url = _u(name, obj.pk, action)
                writers = TRANSITION_WRITERS.get(action, {}).get(tag, NOBODY)
                run.post(
                    f"POST transition {action} [{tag}]",
                    url,
                    {"comment": ACTION_FORM["comment"]},
                    allowed=sees(spec, role, tag),
                    writes=role in writers,
                    must_change=role in writers,
                    target=obj,
                    ok_statuses=(302,),
                )
        return True
    if name == "projects_application_recalculate":
        for tag, obj in objects.items():
            url = _u(name, obj.pk)
            run.get(f"GET recalculate [{tag}]", url, allowed=sees(spec, role, tag))
            writers = RECALCULATE_WRITERS.get(tag, NOBODY)
            run.post(
                f"POST recalculate [{tag}]",
                url,
                {"comment": "矩阵"},
                allowed=sees(spec, role, tag),
                writes=role in writers,
                must_change=role in writers,
                ok_statuses=(302,),
            )
        return True
    if name == "projects_application_review_facts":
        # The reviewer at the current level fills in its facts (the world's award has none to fill:
        # a confirmation is refused at the form, nothing written); everyone else is refused the page.
        for tag, obj in objects.items():
            url = _u(name, obj.pk)
            reviewer = TRANSITION_WRITERS["approve"].get(tag, NOBODY)
            run.get(f"GET review facts [{tag}]", url, allowed=role in reviewer)
            run.post(
                f"POST review facts [{tag}]",
                url,
                {"confirm": "1", "comment": "矩阵"},
                allowed=role in reviewer,
                writes=False,
                ok_statuses=(200,),
            )
        return True
    if name == "payouts_payoutbatch_prepare":
        # No application is selected: a district user gets the refusal message, nobody writes.
        run.get("GET prepare", _u(name), allowed=role in DI)
        run.post("POST prepare", _u(name), {"note": "矩阵"}, allowed=role in DI, writes=False, ok_statuses=(302,))
        return True
    if name in ("payouts_payoutbatch_reconcile", "payouts_payoutbatch_report"):
        # District pages: the upload form (a POST without a file is refused with a message, nothing
        # written) and the report per payer.
        run.get(f"GET {name}", _u(name), allowed=role in DI)
        if name == "payouts_payoutbatch_reconcile":
            run.post("POST reconcile", _u(name), {}, allowed=role in DI, writes=False, ok_statuses=(302,))
        return True
    if name == "payouts_payoutbatch_reconcile_apply":
        # No reconciliation exists: a district user gets a 404, everyone else a refusal; GET is refused.
        run.get("GET reconcile apply", _u(name, 999999), allowed=False)
        run.post("POST reconcile apply", _u(name, 999999), {}, allowed=role in DI, writes=False, ok_statuses=(404,))
        return True
    if name == "payouts_payoutbatch_prepare_failed":
        # Nothing has failed in the world: a district user is told so, nobody writes.
        run.get("GET prepare failed", _u(name), allowed=False)
        run.post("POST prepare failed", _u(name), {}, allowed=role in DI, writes=False, ok_statuses=(302,))
        return True
    if name == "payouts_payoutbatch_file":
        # A payment file holds full ID numbers: district staff download it, everyone else is refused.
        from django.core.files.base import ContentFile

        from payouts.models import PaymentFile

        for tag, obj in objects.items():
            record = PaymentFile.objects.filter(batch=obj).first()
            if record is None:
                record = PaymentFile(batch=obj, route="member_card", kind="csv", sha256="0" * 64, rows=0, total=0)
                record.file.save(f"{obj.reference}-door.csv", ContentFile(b"x"), save=False)
                record.save()
            run.get(f"GET payment file [{tag}]", _u(name, obj.pk, record.pk), allowed=role in DI)
        return True
    if name in ("payouts_payoutbatch_confirm", "payouts_payoutbatch_cancel"):
        # Prepared by the second district reviewer: any other district user may confirm or cancel.
        for tag, obj in objects.items():
            url = _u(name, obj.pk)
            run.get(f"GET {name} [{tag}]", url, allowed=False)  # POST only
            run.post(
                f"POST {name} [{tag}]",
                url,
                {},
                allowed=role in DI,
                must_change=role in DI,
                target=obj,
                ok_statuses=(302,),
            )
        return True
    if name == "outreach_finding_scan":
        # District staff start a scan now (a ScanRun waiting for the worker); POST only.
        run.get("GET scan", _u(name), allowed=False)
        run.post("POST scan", _u(name), {}, allowed=role in DI, must_change=role in DI, ok_statuses=(302,))
        return True
    if name == "subsidies_policy_year":
        year = W.POLICY_PARAM[0]
        run.get("GET policy year", _u(name, year), allowed=role in spec.view)
        run.post("POST policy year", _u(name, year), {"value": "1"}, allowed=role in spec.view, writes=False)
        return True
    if name == "subsidies_policy_edit":
        url = _u(name, *W.POLICY_PARAM)
        run.get("GET policy edit", url, allowed=role in spec.change)
        run.post(
            "POST policy edit",
            url,
            {"value": "2600", "reason": "矩阵测试"},
            allowed=role in spec.change,
            must_change=True,
        )
        return True
    # Policy years (issue 13): district staff only — every other role is refused on GET and POST.
    if name == "subsidies_policy_years":
        run.get("GET policy years", _u(name), allowed=role in DI)
        data = {"source_year": "2021", "year": "2031", "note": "矩阵新年度"}
        # PolicyYear is not a watched table of this admin: that opening writes is tests/subsidies' check
        run.post("POST open year", _u(name), data, allowed=role in DI, ok_statuses=(302,))
        return True
    if name == "subsidies_policy_compare":
        run.get("GET compare years", _u(name) + "?year_a=2019&year_b=2021", allowed=role in DI)
        return True
    if name in ("subsidies_policy_year_manage", "subsidies_policy_year_document", "subsidies_policy_year_publish"):
        draft = W.policy_draft(run.world)
        year = draft.year
        url = _u(name, year)
        if name == "subsidies_policy_year_manage":
            run.get("GET policy year manage", url, allowed=role in DI)
            run.post("POST policy year manage", url, {}, allowed=False)
            return True
        run.get(f"GET {name}", url, allowed=False)  # POST only
        data = (
            {"document_title": "矩阵测试文件"}
            if name == "subsidies_policy_year_document"
            else {"effective_from": f"{year}-01-01"}
        )
        run.post(
            f"POST {name}", url, data, allowed=role in DI, must_change=role in DI, target=draft, ok_statuses=(302,)
        )
        return True
    for suffix in ("_process_import", "_import", "_import_template", "_import_job"):
        if name.endswith(suffix) and name[: -len(suffix)] in SPREADSHEET_DOORS:
            return spreadsheet_doors(run, spec, name[: -len(suffix)], suffix)
    for suffix in ("_export", "_export_job"):  # every admin list exports (jiading_union/admin_spreadsheets.py)
        if name.endswith(suffix):
            return spreadsheet_doors(run, spec, name[: -len(suffix)], suffix)
    if name == "flexible_workers_servicedelivery_checkups":
        run.get("GET check-ups to arrange", _u(name), allowed=role in spec.view)
        return True
    if name == "auth_user_password_change":
        for tag, obj in objects.items():
            url = _u(name, obj.pk)
            run.get(f"GET password [{tag}]", url, allowed=may(spec, "change", role, tag))
            run.post(
                f"POST password [{tag}]",
                url,
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
                allowed=may(spec, "change", role, tag),
                must_change=True,
                target=obj,
                ok_statuses=(302,),
            )
        return True
    return False


# Excel import and export (jiading_union/admin_spreadsheets.py on django-import-export): admin URL prefix → (import key, who
# may import). Every admin list exports, to whoever may read it: the file holds the rows the role's list shows
# (export_holds_the_list; the rows themselves: tests/test_exports.py, tests/test_admin_exports_everywhere.py).
SPREADSHEET_DOORS = {
    "members_member": ("member_roster", GR | ST | DI),
    "flexible_workers_realnameregistration": ("real_name_registration", ST | DI),
    # Unit bulk applications: whoever may read the register (reading rooms: a grassroots union applies for its own
    # room on the portal, not from the register it no longer sees); the submission decides which units.
    "reading_rooms_readingroom": ("reading_room_applications", ST | DI),
    "legal_legalcheckuprecord": ("legal_checkup_candidates", GR | ST | DI),
    "sanitation_sanitationroster": ("sanitation_roster", GR | ST | DI),
}


def spreadsheet_doors(run: Run, spec: May, prefix: str, suffix: str) -> bool:
    key, importers = SPREADSHEET_DOORS.get(prefix, (None, NOBODY))
    role = run.role
    if suffix == "_import":  # django-import-export's import view
        url = _u(prefix + suffix)
        run.get("GET import", url, allowed=role in importers)
        run.post("POST import without a file", url, {}, allowed=role in importers, writes=False, ok_statuses=(200,))
    elif suffix == "_process_import":  # its confirm step: POST only, naming a job of one's own
        url = _u(prefix + suffix)
        run.get("GET process import", url, allowed=False)
        run.post(
            "POST confirm of another's job",
            url,
            {"import_file_name": "999999", "original_file_name": "x.xlsx", "format": "0", "resource": "0"},
            allowed=False,
            writes=False,
        )
    elif suffix == "_import_template":
        run.get("GET import template", _u(prefix + suffix, key), allowed=role in importers)
    elif suffix in ("_import_job", "_export_job"):
        # A job is its creator's alone: anyone else's (here: nobody's) is a 404.
        run.get(f"GET {suffix[1:]} of another", _u(prefix + suffix, 999_999), allowed=False)
        run.post(f"POST {suffix[1:]} of another", _u(prefix + suffix, 999_999), {}, allowed=False, writes=False)
    else:  # django-import-export's export view: the form, then the file
        reads = role in spec.view | spec.change
        run.get("GET export", _u(prefix + suffix), allowed=reads)
        response = run.post("POST export", _u(prefix + suffix), {"format": "0"}, allowed=reads, writes=False)
        if reads and response is not None and response.status_code == 200:
            export_holds_the_list(run, response)
    return True


def export_holds_the_list(run: Run, response) -> None:
    """The file is the role's changelist: as many rows as the list shows (the list holds our object
    and not the other scope's: check_model's listing check), and only words in its cells."""
    import io

    from openpyxl import load_workbook

    if not response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        run._fail("POST export", f"not a workbook: {response.get('Content-Type')}")
        return
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    if run.listed is not None and len(rows) - 1 != run.listed:
        run._fail("POST export", f"{len(rows) - 1} rows exported, the list shows {run.listed}")
    for row in rows:
        for cell in row:
            if isinstance(cell, bool) or (isinstance(cell, str) and cell.strip() in ("None", "True", "False")):
                run._fail("POST export", f"a cell reads {cell!r}")
                return


def check_model(client, world: W.World, label: str) -> Run:
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    maker, spec = W.MAKERS[label], EXPECTED[label]
    objects = maker.make(world)
    opts = model._meta
    prefix = f"{opts.app_label}_{opts.model_name}"
    run = Run(
        client,
        world,
        label,
        tables=tuple(W.watched_tables((label, *maker.watch))),
        scoped=isinstance(model_admin, ScopedAdmin),
    )
    form_id = f"{opts.model_name}_form"
    has_versions = isinstance(model_admin, SimpleHistoryAdmin)

    # What a browser would post: the forms as the body_from role (who may change everything) sees them.
    run.login(maker.body_from)
    change_bodies = {}
    for tag, obj in objects.items():
        page = client.get(_u(f"{prefix}_change", obj.pk))
        change_bodies[tag] = W.form_body(page.content.decode(), form_id) if page.status_code == 200 else {}
    add_page = client.get(_u(f"{prefix}_add"))
    add_form = W.form_body(add_page.content.decode(), form_id) if add_page.status_code == 200 else {}
    add_tags = sorted({W.scope_of(tag) for tag in objects} - {"hidden"})
    add_bodies = {
        tag: {**(add_form or change_bodies[next(iter(change_bodies))]), **(maker.add(world, tag) if maker.add else {})}
        for tag in add_tags
    }
    edits = maker.edit(world) if maker.edit else None
    moves = maker.move(world) if maker.move else None
    refers = maker.refer(world) if maker.refer else None
    actions = [name for _, name, _ in model_admin._get_base_actions()]
    customs = custom_url_names(model_admin)
    versions = (
        {tag: obj.history.order_by("-history_id").first() for tag, obj in objects.items()} if has_versions else {}
    )

    for role in W.ROLES:
        run.login(role)
        reads = role in spec.view | spec.change
        listing = run.get(
            "GET changelist",
            _u(f"{prefix}_changelist"),
            allowed=reads,
            ok_statuses=(302,) if label == "subsidies.policyoverride" else (200,),
        )
        run.listed = None
        if listing is not None and listing.status_code == 200 and reads:
            html = listing.content.decode()
            changelist = _u(f"{prefix}_changelist")
            run.listed = len(set(re.findall(rf'href="{re.escape(changelist)}([^/"?]+)/change/', html)))
            for tag, obj in objects.items():
                listed = f'href="{_u(f"{prefix}_change", obj.pk)}' in html
                if listed and not sees(spec, role, tag):
                    run._fail(f"GET changelist [{tag}]", "lists another scope's object")
                elif not listed and sees(spec, role, tag):
                    run._fail(f"GET changelist [{tag}]", "does not list an object in the role's scope")
        run.get("GET add", _u(f"{prefix}_add"), allowed=role in spec.add)
        for tag, body in add_bodies.items():
            adds = may(spec, "add", role, tag)
            run.post(
                f"POST add [{tag}]",
                _u(f"{prefix}_add"),
                body,
                allowed=role in spec.add,
                writes=adds,
                must_change=adds and maker.add is not None,
                ok_statuses=(302,) if adds else (200,),
            )
        for tag, obj in objects.items():
            changes = may(spec, "change", role, tag)
            change = _u(f"{prefix}_change", obj.pk)
            ok_get = (302,) if label == "subsidies.policyoverride" else (200,)  # it opens the validated editor
            run.get(f"GET change [{tag}]", change, allowed=sees(spec, role, tag), ok_statuses=ok_get)
            if spec.form:
                body = {**change_bodies[tag], **(edits or {})}
                run.post(
                    f"POST change [{tag}]",
                    change,
                    body,
                    allowed=changes,
                    writes=changes and edits is not None,
                    must_change=changes and edits is not None,
                    target=obj,
                    ok_statuses=(302,) if edits else (200, 302),
                )
            else:
                run.post(
                    f"POST change [{tag}]",
                    change,
                    {**change_bodies[tag], "status": "approved", "value": '"x"'},
                    allowed=False,
                )
            if moves and tag == "own":
                movers = changes and role in spec.moves
                run.post(
                    "POST change moving it into the other scope",
                    change,
                    {**change_bodies[tag], **moves},
                    allowed=changes,
                    writes=movers,
                    must_change=movers,
                    target=obj,
                    keep_target_only=True,
                    keep_columns=_columns(model, moves),
                    ok_statuses=(302,) if movers else (200, 302, 403),
                )
            if refers and tag == "own":
                movers = changes and role in spec.moves
                run.post(
                    "POST change naming another scope's object",
                    change,
                    {**change_bodies[tag], **refers},
                    allowed=changes,
                    writes=movers,
                    must_change=movers,
                    target=obj,
                    keep_target_only=True,
                    keep_columns=_columns(model, refers),
                    ok_statuses=(302,) if movers else (200, 302, 403),
                )
            if tag == "own":
                # Django turns any change POST carrying _saveasnew into an add, whether or not the admin
                # shows "save as new": the add right (in this scope) decides, never the change right.
                run.post(
                    "POST change as new",
                    change,
                    {**change_bodies[tag], **(edits or {}), "_saveasnew": "1"},
                    allowed=role in spec.add,
                    writes=may(spec, "add", role, tag),
                    ok_statuses=(200, 302),
                )
            if maker.inline:
                inline_label, add_row = maker.inline
                adds = changes and may(EXPECTED[inline_label], "add", role, tag)
                run.post(
                    f"POST change adding a {inline_label} inline row [{tag}]",
                    change,
                    {**change_bodies[tag], **add_row(change_bodies[tag])},
                    allowed=changes,
                    writes=adds,
                    must_change=adds,
                    only_table=apps.get_model(inline_label)._meta.label,
                    ok_statuses=(302,) if adds else (200, 302),
                )
            history = _u(f"{prefix}_history", obj.pk)
            run.get(f"GET history [{tag}]", history, allowed=sees(spec, role, tag))
            # Django's own history page (third-party admins) only reads, whatever the method.
            run.post(
                f"POST history [{tag}]",
                history,
                {},
                allowed=not has_versions and sees(spec, role, tag),
                writes=False,
                denied_statuses=(405,) if has_versions else None,
            )
            if has_versions:
                version = _u(f"{prefix}_simple_history", obj.pk, versions[tag].history_id)
                run.get(f"GET history version [{tag}]", version, allowed=sees(spec, role, tag))
                run.post(
                    f"POST history version [{tag}]",
                    version,
                    change_bodies[tag] or {"x": "1"},
                    allowed=False,
                    denied_statuses=(405,),
                )
                if tag == "own":  # another object's version id under our object's URL
                    for other_tag in objects.keys() - {tag}:
                        run.get(
                            f"GET history version of [{other_tag}] under [{tag}]",
                            _u(f"{prefix}_simple_history", obj.pk, versions[other_tag].history_id),
                            allowed=False,
                        )
            deletes = may(spec, "delete", role, tag)
            delete = _u(f"{prefix}_delete", obj.pk)
            run.get(f"GET delete [{tag}]", delete, allowed=deletes)
            run.post(f"POST delete [{tag}]", delete, {"post": "yes"}, allowed=deletes)
            for action in actions:
                if action == "delete_selected":
                    writers, must = (frozenset({role}) if deletes else NOBODY), False
                elif action in ACTIONS.get(label, {}):
                    writers, must = ACTIONS[label][action].get(tag, NOBODY), True
                else:
                    run._fail(f"action {action}", "no expectation for this action: add it to ACTIONS")
                    continue
                run.post(
                    f"action {action} [{tag}]",
                    _u(f"{prefix}_changelist"),
                    {**ACTION_FORM, "action": action, "_selected_action": [obj.pk]},
                    allowed=reads,
                    writes=role in writers,
                    must_change=must and role in writers,
                    target=obj,
                )
        for name in customs:
            if not custom_doors(run, spec, name, objects):
                run._fail(f"custom URL {name}", "no door for this admin URL: add one to custom_doors")
    return run


def registered_models() -> list[str]:
    return sorted(model._meta.label_lower for model in admin.site._registry)


@pytest.fixture
def world(tree, staff, member):
    return W.build_world(tree, staff, member)


@pytest.fixture(autouse=True)
def _sessions_in_cookies(settings):
    """Each POST runs in a savepoint that is rolled back: a session row written inside it (a password
    change cycles the session key) would vanish with it and log the role out."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"


@pytest.fixture(autouse=True)
def _app_list_once_per_role(monkeypatch):
    """Every admin page carries the sidebar's app list, which asks forty admins for their permissions
    and is a function of the user alone: it is built (for real) once per user and test, not on each
    of the thousands of pages. The sidebar itself is still rendered on every page."""
    build, built = admin.site.get_app_list, {}

    def get_app_list(request, app_label=None):
        if app_label is not None:
            return build(request, app_label)
        if request.user.pk not in built:
            built[request.user.pk] = build(request)
        return built[request.user.pk]

    monkeypatch.setattr(admin.site, "get_app_list", get_app_list)


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Thousands of 403/404/405 are expected here: log only what is worse (a 5xx logs at ERROR)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_every_registered_model_has_a_maker_and_an_expectation():
    missing = [
        f"no maker for {label}: add one to tests/doors/world.py MAKERS"
        for label in registered_models()
        if label not in W.MAKERS
    ]
    missing += [
        f"no expectation for {label}: add it to EXPECTED" for label in registered_models() if label not in EXPECTED
    ]
    stale = [
        f"{label} is not registered any more"
        for label in set(W.MAKERS) | set(EXPECTED)
        if label not in registered_models()
    ]
    assert not missing + stale, "\n".join(missing + stale)


CELLS: dict[str, tuple[int, int]] = {}  # label → (cells tried, cells wrong): tests/doors/conftest.py reports it


@pytest.mark.parametrize("label", registered_models())
def test_door_matrix(client, world, label):
    if label not in W.MAKERS or label not in EXPECTED:
        pytest.fail(f"no maker for {label}: add one")
    run = check_model(client, world, label)
    CELLS[label] = (run.cells, len(run.wrong_cells))
    assert not run.wrong, f"{len(run.wrong_cells)} of {run.cells} cells wrong:\n" + "\n".join(run.wrong)


# --- Admin pages that are not a model's ------------------------------------------------------------


def test_admin_pages_of_no_model(client, world):
    """The index, the district dashboard and the autocomplete endpoint behind every autocomplete field."""
    run = Run(client, world, "admin pages", tables=(), scoped=True)
    care = {tag: W.MAKERS["flexible_workers.servicedelivery"].make(world)[tag] for tag in ("own", "other")}
    fields = [
        (label, name)
        for label in registered_models()
        for name in admin.site._registry[apps.get_model(label)].autocomplete_fields
    ]
    for role in W.ROLES:
        run.login(role)
        run.get("GET admin index", reverse("admin:index"), allowed=role in STAFF)
        run.get("GET district dashboard", reverse("admin_dashboard"), allowed=role in DI)
        run.get("GET district report", reverse("admin_district_report"), allowed=role in DI)
        for label, name in fields:
            app_label, model_name = label.split(".")
            remote = apps.get_model(label)._meta.get_field(name).related_model._meta.label_lower
            url = reverse("admin:autocomplete") + f"?app_label={app_label}&model_name={model_name}&field_name={name}"
            response = run.get(f"GET autocomplete {label}.{name}", url, allowed=role in EXPECTED[remote].view)
            if response is None or response.status_code != 200:
                continue
            ids = {int(r["id"]) for r in response.json()["results"]}
            for tag, obj in care.items():
                related = getattr(obj, name)
                shown = related.pk in ids
                if shown != sees(EXPECTED[label], role, tag):
                    run._fail(
                        f"GET autocomplete {label}.{name} [{tag}]",
                        "offers another scope's object" if shown else "does not offer an object in scope",
                    )
    CELLS["admin pages"] = (run.cells, len(run.wrong_cells))
    assert not run.wrong, f"{len(run.wrong_cells)} of {run.cells} cells wrong:\n" + "\n".join(run.wrong)


# --- The member portal ---------------------------------------------------------------------------

OWNER, OTHER_MEMBER, CARE_OWNER = "owner", "another member", "flexible worker"
PORTAL_ROLES = ("anonymous", OWNER, OTHER_MEMBER, CARE_OWNER, G, OS, D)
MEMBERS = frozenset({OWNER, OTHER_MEMBER, CARE_OWNER})
PORTAL_TABLES = (
    "projects.application",
    "projects.applicationevent",
    "projects.attachment",
    "projects.notification",
    "micro_wishes.microwish",
    "legal.legalaidcase",
)


@pytest.fixture
def portal(world, other_member):
    return W.build_portal(world, other_member)


def test_portal_doors(client, world, portal):
    """Own object 200, another member's 404 (staff: 403, not a member page), anonymous to the login;
    a POST by anyone but the owner changes nothing, and the owner's permitted POST does change it."""
    from projects import workflow

    users = {
        "anonymous": None,
        OWNER: world.member.user,
        OTHER_MEMBER: portal.other_member.user,
        CARE_OWNER: portal.care_owner.user,
        **{r: world.users[r] for r in (G, OS, D)},
    }
    run = Run(
        client,
        world,
        "portal",
        tables=tuple(W.watched_tables(PORTAL_TABLES)),
        scoped=True,
        users=users,
        login_url="/accounts/login/",
        outsiders=("anonymous",),
    )
    app, ref = portal.application, portal.application.reference
    own_pages = {  # a member's page that takes an id or reference: only its owner sees it
        "my application": (reverse("projects:my_application", args=[ref]), OWNER),
        "edit my application": (reverse("projects:my_application_edit", args=[ref]), OWNER),
        "my legal-aid case": (reverse("legal:case", args=[portal.legal_aid.reference]), OWNER),
        "my 五送 registration": (reverse("flexible_workers:my_service", args=[portal.care.reference]), CARE_OWNER),
    }
    lists = {  # a member's own lists: every member may open theirs; nobody else's reference appears in it
        "my applications": (reverse("projects:my_applications"), ref, OWNER),
        "my entitlements": (reverse("projects:my_entitlements"), ref, OWNER),
        "my coverage": (reverse("projects:my_coverage"), ref, OWNER),
        "my wishes": (reverse("micro_wishes:my"), portal.wish.application.reference, OWNER),
        "my 五送": (reverse("flexible_workers:my_services"), portal.care.reference, CARE_OWNER),
    }
    for role in PORTAL_ROLES:
        run.login(role)
        for door, (url, owner) in own_pages.items():
            run.get(f"GET {door}", url, allowed=role == owner)
        for door, (url, secret, owner) in lists.items():
            response = run.get(f"GET {door}", url, allowed=role in MEMBERS)
            if response is not None and response.status_code == 200 and role != owner and secret in response.text:
                run._fail(f"GET {door}", "shows another member's application")
        # An attachment: its applicant and the staff whose scope covers the application.
        run.get(
            "GET attachment", reverse("projects:attachment", args=[portal.attachment.pk]), allowed=role in (OWNER, G, D)
        )
        response = run.get("GET notifications", reverse("projects:notifications"), allowed=role != "anonymous")
        if (
            response is not None
            and response.status_code == 200
            and ((portal.notification.title in response.text) != (role == OWNER))
        ):
            run._fail("GET notifications", "shows another user's message" if role != OWNER else "hides the own")
        run.get(
            "GET organisation applications", reverse("projects:organisation_applications"), allowed=role in (G, OS, D)
        )
        # POSTs: only the owner writes, and only what the application's state allows.
        run.post(
            "POST notifications read",
            reverse("projects:notifications_read"),
            {},
            allowed=role != "anonymous",
            writes=role == OWNER,
            must_change=role == OWNER,
            target=portal.notification,
            ok_statuses=(302,),
            keep_target_only=True,
        )
        run.post(
            "POST edit my application",
            reverse("projects:my_application_edit", args=[ref]),
            {**{k: str(v) for k, v in app.facts.items()}},
            allowed=role == OWNER,
            writes=False,
        )
        upload = SimpleUploadedFile("补充.pdf", W.PDF, content_type="application/pdf")
        run.post(
            "POST attach to my application",
            reverse("projects:my_application_attach", args=[ref]),
            {"kind": "certificate", "file": upload},
            allowed=role == OWNER,
            must_change=True,
            ok_statuses=(302,),
        )
        for action in workflow.TRANSITIONS:
            changes = role == OWNER and action == "withdraw"  # the applicant withdraws; nobody else does anything
            run.post(
                f"POST my application {action}",
                reverse("projects:my_application_action", args=[ref, action]),
                {"comment": "矩阵"},
                allowed=role == OWNER,
                writes=changes,
                must_change=changes,
                target=app,
                ok_statuses=(302,),
            )
        run.post(
            "POST describe my wish",
            reverse("micro_wishes:describe", args=[portal.wish.pk]),
            {"description": "一台电风扇"},
            allowed=role == OWNER,
            must_change=True,
            target=portal.wish,
            ok_statuses=(302,),
        )
    CELLS["portal"] = (run.cells, len(run.wrong_cells))
    assert not run.wrong, f"{len(run.wrong_cells)} of {run.cells} cells wrong:\n" + "\n".join(run.wrong)
