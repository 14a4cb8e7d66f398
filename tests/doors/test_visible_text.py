"""Issue 12, "Done when": nobody reads a code.

One seeded world (tests/doors/world.py: one object per registered model, in our scope and in another)
is built once for the module. Then every page a member reaches in the portal and every admin page each
staff role reaches (index, app indexes, changelists, add and change pages, history and history
versions, the custom pages: review facts, recalculation, payout prepare, the policy year and override
editor, the dashboard) is rendered with DEBUG off, by following the links on the pages from a few
starting points. The text a person reads (tags, scripts and styles stripped; title, placeholder, alt
and aria-label attributes and button captions kept) must hold no raw identifier:

  - snake_case words (field names, rule ids, fact names);
  - None / True / False;
  - Python list, tuple or dict literals ("['a', 'b']", "{'x': 1}", "[]");
  - the English codes of the vocabularies people see as labels — application statuses, review levels,
    workflow actions, routes, payers, outcomes and every other model choice — taken from the code, so
    a new code is checked the day it is added;
  - rule ids.

Every finding is reported at once: the code found, a little of the text around it, and where.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.doors import world as W

pytestmark = pytest.mark.django_db

# --- What counts as a code ------------------------------------------------------------------------


FILE_FORMATS = {"xlsx", "xls", "ods", "csv", "pdf"}


def _codes() -> set[str]:
    """Every English code of a vocabulary shown to people as a label."""
    from projects import workflow
    from subsidies.rules import registry
    from subsidies.rules.core import Outcome, Payer, Route

    codes = set(workflow.TRANSITIONS) | {c.value for c in (*Route, *Payer, *Outcome)}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str):
                    codes.add(value)
    codes |= {rule.rule_id for rule in registry.all_rules()}
    # File formats are the clerk's own words ("上传 xlsx 文件"), though a model stores them as codes.
    codes -= FILE_FORMATS
    # A code is an ASCII identifier of three letters or more (not "C", an industry letter, nor "A").
    return {c for c in codes if re.fullmatch(r"[a-z][a-z0-9_]{2,}", c)}


A = "A-Za-z0-9_"  # an identifier's letters: Chinese text right next to a code does not hide it
CODE_FINDERS = {
    "snake_case": re.compile(rf"(?<![{A}./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![{A}/@-])"),
    "None/True/False": re.compile(rf"(?<![{A}-])(?:None|True|False)(?![{A}-])"),
    "Python literal": re.compile(r"\[\s*(?:['\"\]]|\d+\s*,)|\{\s*['\"}]|\(\s*'[^']*',"),
    "page marker": re.compile(r"（第-?\d+-?页）|（前言[^）]*）"),
    "file path": re.compile(rf"(?<![{A}.-])[{A}/-]+\.(?:md|py|toml|html|json)(?![{A}.])"),
}
# Members read money as "2,000.00 元": an amount of four digits or more without the thousands
# separator, or an amount with no unit after it.
MONEY = re.compile(r"(?<![\d,.\w-])(?:\d{4,}\.\d{2}|\d{1,3}(?:,\d{3})*\.\d{2}(?!\s*(?:元|%|万)))(?![\d,])")


def finders() -> dict[str, re.Pattern]:
    codes = sorted(_codes(), key=len, reverse=True)
    return {
        **CODE_FINDERS,
        "code": re.compile(rf"(?<![{A}./@:-])(?:" + "|".join(map(re.escape, codes)) + rf")(?![{A}/@-])"),
    }


# --- What a person reads --------------------------------------------------------------------------

READ_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")


class VisibleText(HTMLParser):
    """The text of a page as read: no scripts, styles or hidden inputs; attributes a person reads kept."""

    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self._skipping += 1
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in ("p", "div", "td", "th", "li", "tr", "br", "h1", "h2", "h3", "option", "dd", "dt", "label"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"[ \t\r\f\v]+", " ", " ".join(self.parts))


# --- The crawl ------------------------------------------------------------------------------------

# Never followed: writes behind GET-looking links, downloads, the language switch, and the
# developer tools whose data are code by nature (Celery task names, request paths of sign-ins).
NOT_FOLLOWED = (
    "/logout",
    "/i18n/",
    "/delete/",
    "/password/",
    "/autocomplete/",
    "/attachments/",
    "/jsi18n/",
    ".xlsx",
    "/admin/django_celery_beat/",
    "/admin/axes/",
    "/r/",  # "view on site"
)
# The world names its objects after their scope ("矩阵交友other"): test data, not a code on the page.
WORLD_TAGS = re.compile(r"(矩阵[\u4e00-\u9fff]*)(?:own|other)")
PER_PAGE_KIND = 3  # pages with the same path but for the numbers in it: enough to see each template


def _kind(path: str) -> str:
    return re.sub(r"/\d+(?=/)", "/N", path)


def crawl(client, starts, *, inside: str, outside: str | None = None, limit: int = 400):
    """GET every page reachable from `starts` under `inside` (not under `outside`): {path: (status, text)}."""
    seen, pages, per_kind = set(), {}, defaultdict(int)
    queue, asked = list(starts), set(starts)  # a start may carry a query (a form sent with bad input)
    while queue and len(pages) < limit:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc or (parts.query and url not in asked) or not parts.path.startswith(inside):
            continue
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        if path in seen or (outside and path.startswith(outside)) or any(n in path for n in NOT_FOLLOWED):
            continue
        seen.add(path)
        if per_kind[_kind(path)] >= PER_PAGE_KIND:
            continue
        per_kind[_kind(path)] += 1
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            pages[path] = (response.status_code, "")
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        if os.environ.get("VISIBLE_TEXT_DUMP"):  # a developer's aid: the pages as served
            dump = Path(os.environ["VISIBLE_TEXT_DUMP"]) / (path.strip("/").replace("/", "_") or "index")
            dump.with_suffix(".html").write_bytes(response.content)
        pages[path] = (200, WORLD_TAGS.sub(r"\1", parser.text))
        for link in parser.links:
            if not link.startswith(("http:", "https:", "mailto:", "tel:", "javascript:")):
                queue.append(link if link.startswith("/") else _join(path, link))
    return pages


def _join(base: str, link: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, link)


def findings(pages: dict, who: str, *, money: bool = False) -> list[tuple[str, str, str, str]]:
    """(kind, code, context, where) for every code in the visible text of `pages` (one kind per span);
    with `money`, amounts not written as members read them too."""
    found, checks = [], finders()
    if money:
        checks = {"money without 元": MONEY, **checks}
    for path, (status, text) in pages.items():
        if status >= 500:
            found.append(("HTTP 5xx", str(status), "", f"{who} {path}"))
        spans = set()
        for kind, finder in reversed(checks.items()):  # a known code first, then the generic shapes
            for match in finder.finditer(text):
                start, end = match.span()
                if any(s <= start < e for s, e in spans):
                    continue
                spans.add((start, end))
                context = re.sub(r"\s+", " ", text[max(0, start - 25) : end + 25]).strip()
                found.append((kind, match.group(0), context, f"{who} {_kind(path)}"))
    return found


def report(found) -> str:
    """One line per (kind, code, page), with one example of the text around it."""
    grouped = defaultdict(list)
    for kind, code, context, where in found:
        grouped[(kind, code, where)].append(context)
    lines = [
        f"[{kind}] {code!r} ×{len(contexts)} on {where}: “{contexts[0]}”"
        for (kind, code, where), contexts in sorted(grouped.items())
    ]
    return f"{len(found)} codes in the visible text ({len(grouped)} distinct code × page):\n" + "\n".join(lines)


# --- The world, once ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The door matrix's world with every maker's objects at once, built once and rolled back after."""
    from members.models import StaffRole
    from tests.factories import DistrictFactory, StaffUserFactory, StreetFactory, UnitFactory
    from tests.projects.conftest import _member

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, DEBUG=False), transaction.atomic():
        district = DistrictFactory()
        street, other_street = StreetFactory(parent=district), StreetFactory(parent=district)
        tree = {
            "district": district,
            "street": street,
            "other_street": other_street,
            "unit": UnitFactory(parent=street),
            "other_unit": UnitFactory(parent=street),
            "far_unit": UnitFactory(parent=other_street),
        }
        staff = {
            "grassroots": StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["unit"]),
            "other_grassroots": StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["other_unit"]),
            "street": StaffUserFactory(role=StaffRole.STREET, organisation=street),
            "other_street": StaffUserFactory(role=StaffRole.STREET, organisation=other_street),
            "district": StaffUserFactory(role=StaffRole.DISTRICT, organisation=district),
            "district2": StaffUserFactory(role=StaffRole.DISTRICT, organisation=district),
        }
        world = W.build_world(tree, staff, _member(tree["unit"]))
        objects = {}
        for label, maker in W.MAKERS.items():
            try:  # a maker may remake what a sibling made (a service point and its events): keep the first
                with transaction.atomic():
                    objects[label] = maker.make(world)
            except ValidationError:
                objects[label] = {}
        portal = W.build_portal(world, _member(tree["unit"]))
        yield world, objects, portal
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """A link may lead to a refusal (reported as a page of its own): log only what is worse."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _app_list_once_per_user(monkeypatch):
    """The sidebar's app list is a function of the user: built once per user, still rendered per page."""
    build, built = admin.site.get_app_list, {}

    def get_app_list(request, app_label=None):
        if app_label is not None:
            return build(request, app_label)
        if request.user.pk not in built:
            built[request.user.pk] = build(request)
        return built[request.user.pk]

    monkeypatch.setattr(admin.site, "get_app_list", get_app_list)


def admin_starts(world, objects) -> list[str]:
    """The index, the dashboard and the custom pages no list links to."""
    application = objects["projects.application"]
    year, kind, name = W.POLICY_PARAM
    starts = [
        reverse("admin:index"),
        reverse("admin_dashboard"),
        reverse("admin:payouts_payoutbatch_prepare"),
        reverse("admin:subsidies_policy_year", args=[year]),
        reverse("admin:subsidies_policy_edit", args=[year, kind, name]),
        reverse("admin:subsidies_policy_years"),
        reverse("admin:subsidies_policy_compare") + "?year_a=2019&year_b=2021",
    ]
    for obj in application.values():
        starts += [
            reverse("admin:projects_application_review_facts", args=[obj.pk]),
            reverse("admin:projects_application_recalculate", args=[obj.pk]),
            reverse("admin:projects_application_change", args=[obj.pk]),
        ]
    for label in ("payouts.payoutbatch", "subsidies.policyoverride"):
        opts = apps.get_model(label)._meta
        for obj in objects[label].values():
            starts.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    return starts


STAFF_ROLES = ("grassroots", "street", "district", "district2", "superuser")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_admin_pages_show_no_codes(client, seeded, role):
    world, objects, _portal = seeded
    user = world.district2 if role == "district2" else world.users[role]
    client.force_login(user)
    pages = crawl(client, admin_starts(world, objects), inside="/admin/")
    assert sum(1 for status, _ in pages.values() if status == 200) > 5, pages
    found = findings(pages, role)
    assert not found, report(found)


def test_portal_pages_show_no_codes(client, seeded):
    world, _objects, portal = seeded
    found = []
    for who, member in (("member", world.member), ("flexible worker", portal.care_owner)):
        client.force_login(member.user)
        starts = [
            "/",
            reverse("projects:my_entitlements"),
            reverse("projects:my_applications"),
            reverse("projects:my_coverage"),
            reverse("projects:notifications"),
            reverse("projects:calculators"),
            reverse("micro_wishes:my"),
            reverse("flexible_workers:my_services"),
            reverse("projects:my_application", args=[portal.application.reference]),
            reverse("projects:my_application_edit", args=[portal.application.reference]),
            reverse("legal:case", args=[portal.legal_aid.reference]),
            # a calculator given a bad date: the message sits at its field, by the field's label
            reverse("projects:calculator", args=["legal_aid", 2019]) + "?application_date=2019-13-01",
        ]
        pages = crawl(client, starts, inside="/", outside="/admin/")
        assert sum(1 for status, _ in pages.values() if status == 200) > 5, pages
        found += findings(pages, who, money=True)
    assert not found, report(found)


def test_the_finders_find_codes():
    """The checks themselves: each kind of code is caught, Chinese text and amounts are not."""
    text = "审核流程：grassroots → district；从事None；['a', 'b']；{'x': 1}；legal_aid · 2019；approve；见 docs/rules.md；申报时间（第-3-页）"
    kinds = {kind for kind, finder in finders().items() if finder.search(text)}
    assert kinds == {"snake_case", "None/True/False", "Python literal", "code", "file path", "page marker"}
    clean = "金额 2,000.00 元，2026年11月1日 09:00，第3页，[第1条]，申请编号 A-2019-000001，matrix-root，证书.pdf"
    assert not [kind for kind, finder in finders().items() if finder.search(clean)]
    assert MONEY.findall("1000.00 ；3,720.00；2,000.00 元；12.50%") == ["1000.00", "3,720.00"]
