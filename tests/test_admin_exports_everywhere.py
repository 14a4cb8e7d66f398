"""Issue 16, "Any admin list as .xlsx": every registered admin offers the export (SpreadsheetExportMixin on
jiading_union.admin's base classes; third-party admins wrapped at start-up), and the file is the list the user
sees — their scope, the list's filter — in words: Chinese headers, labels, masked ID numbers, escaped formulas,
with a query count that does not grow with the rows. Who may reach the export door: tests/doors/test_matrix.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from members.models import StaffRole
from tests.doors import world as W
from tests.doors.conftest import member, staff, tree  # noqa: F401  (the door world's fixtures)
from tests.doors.test_matrix import EXPECTED, D, S
from tests.doors.test_visible_text import WORLD_TAGS, finders
from tests.factories import DuesRecordFactory, MemberFactory, StaffUserFactory
from tests.test_exports import two_streets

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def _prefix(model) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}"


def sheet_rows(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def export(client, model, query: str = "") -> list[list]:
    response = client.post(reverse(f"admin:{_prefix(model)}_export") + query, {"format": "0"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return sheet_rows(response.content)


def listed(client, model, query: str = "") -> tuple[int, str]:
    """The rows the changelist shows (its links to the rows' pages) and its HTML."""
    changelist = reverse(f"admin:{_prefix(model)}_changelist")
    response = client.get(changelist + query)
    if response.status_code == 302:  # a list that opens elsewhere (policy parameters open their year's page)
        return -1, ""
    assert response.status_code == 200
    html = response.content.decode()
    return len(set(re.findall(rf'href="{re.escape(changelist)}([^/"?]+)/change/', html))), html


def first_filter(html: str) -> str | None:
    """The first choice of the list's first filter that narrows it (a query string such as ?status=x)."""
    side = html.split('id="changelist-filter"', 1)
    if len(side) < 2:
        return None
    for link in re.findall(r'href="(\?[^"]+)"', side[1]):
        query = link.replace("&amp;", "&")
        if "=" in query and not query.startswith("?o=") and "_facets" not in query:
            return query
    return None


def test_every_registered_admin_offers_the_export():
    missing = [m._meta.label_lower for m, a in admin.site._registry.items() if not isinstance(a, ExportMixin)]
    assert missing == []
    for model in admin.site._registry:
        assert reverse(f"admin:{_prefix(model)}_export")


# --- Every model, through the door world: the district's and a street's rows, a filter applied --------------

READ_BY = {label: spec for label, spec in EXPECTED.items() if {S, D} & spec.view}


@pytest.fixture
def world(tree, staff, member):  # noqa: F811
    return W.build_world(tree, staff, member)


@pytest.mark.parametrize("label", sorted(READ_BY))
def test_each_list_exports_the_rows_it_shows_in_words(client, world, label):
    from django.apps import apps

    model = apps.get_model(label)
    W.MAKERS[label].make(world)
    found = finders()
    for role in ("district", "street"):
        if role not in READ_BY[label].view:
            continue
        client.force_login(world.users[role])
        count, html = listed(client, model)
        if count < 0:
            assert len(export(client, model)[0]) > 1  # its export is still the whole table's
            continue
        query = first_filter(html) or ""
        count, _html = listed(client, model, query)
        rows = export(client, model, query)
        header, body = rows[0], rows[1:]
        assert len(body) == count, f"{label} {role} {query}: {len(body)} rows exported, the list shows {count}"
        assert all(h and CJK.search(h) for h in header), f"{label}: headers {header}"
        for row in rows:
            for cell in row:
                assert not isinstance(cell, bool), f"{label}: {row}"
                if isinstance(cell, str):
                    text = WORLD_TAGS.sub(r"\1", cell)
                    hits = [name for name, pattern in found.items() if name != "file path" and pattern.search(text)]
                    assert not hits, f"{label} {role}: {cell!r} looks like {hits}"


# --- One generated export in detail: dues records (no resource of its own) ----------------------------------


@pytest.fixture
def streets():
    return two_streets()


def dues(unit, count, **kwargs):
    made = []
    for _ in range(count):
        person = MemberFactory(organisation=unit, street=unit.street, **kwargs)
        made.append(DuesRecordFactory(member=person))
    return made


def dues_model():
    from members.models import DuesRecord

    return DuesRecord


def test_a_street_never_exports_another_streets_rows(client, streets):
    mine = dues(streets["unit_a"], 3)
    theirs = dues(streets["unit_b"], 2)
    client.force_login(streets["street"])
    rows = export(client, dues_model())
    assert rows[0][:3] == ["会员", "会费年度", "金额（元）"]
    names = {r[0] for r in rows[1:]}
    assert names == {d.member.name for d in mine}
    assert not names & {d.member.name for d in theirs}
    client.force_login(streets["district"])
    assert len(export(client, dues_model())) == 1 + 5


def test_money_is_a_number_in_yuan_and_dates_are_dates(client, streets):
    record = dues(streets["unit_a"], 1)[0]
    client.force_login(streets["street"])
    response = client.post(reverse("admin:members_duesrecord_export"), {"format": "0"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    amount = sheet.cell(row=2, column=3)
    assert amount.value == record.amount and "元" in amount.number_format
    assert sheet.cell(row=2, column=5).value in ("是", "否")  # a yes/no column in words


def test_id_numbers_in_a_generated_export_are_masked_below_the_district(client, streets, monkeypatch):
    record = dues(streets["unit_a"], 1)[0]
    model_admin = admin.site._registry[dues_model()]
    monkeypatch.setattr(model_admin, "list_display", (*model_admin.list_display, "member__id_number"))
    client.force_login(streets["street"])
    masked = export(client, dues_model())
    assert masked[0][-1] == "身份证号码"
    assert masked[1][-1] != record.member.id_number and masked[1][-1].count("*") == 8
    assert masked[1][-1][-4:] == record.member.id_number[-4:]
    client.force_login(streets["district"])
    assert export(client, dues_model())[1][-1] == record.member.id_number


def test_formula_cells_are_escaped_in_a_generated_export(client, streets):
    dues(streets["unit_a"], 1, name="=1+2")
    client.force_login(streets["street"])
    assert export(client, dues_model())[1][0] == "'=1+2"


def test_query_count_does_not_grow_with_the_rows(client, streets):
    client.force_login(streets["street"])
    url = reverse("admin:members_duesrecord_export")
    dues(streets["unit_a"], 2)
    with CaptureQueriesContext(connection) as few:
        assert client.post(url, {"format": "0"}).status_code == 200
    dues(streets["unit_a"], 25)
    with CaptureQueriesContext(connection) as many:
        response = client.post(url, {"format": "0"})
    assert len(sheet_rows(response.content)) == 1 + 27
    assert len(many) == len(few)


def test_csv_is_offered_too(client, streets):
    dues(streets["unit_a"], 2)
    client.force_login(streets["street"])
    response = client.post(reverse("admin:members_duesrecord_export"), {"format": "1"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("会员,会费年度") and len(lines) == 3


def test_a_role_without_the_view_permission_is_refused_on_get_and_post(client, streets):
    grassroots = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=streets["unit_a"])
    client.force_login(grassroots)
    url = reverse("admin:payouts_payoutbatch_export")
    assert client.get(url).status_code == 403
    assert client.post(url, {"format": "0"}).status_code == 403
    assert client.get(reverse("admin:payouts_payoutbatch_export_job", args=[1])).status_code == 403
    page = client.get(reverse("admin:members_duesrecord_changelist")).content.decode()
    assert reverse("admin:payouts_payoutbatch_export") not in page


def test_the_list_and_the_export_page_offer_it_in_the_admin_theme(client, streets):
    client.force_login(streets["street"])
    page = client.get(reverse("admin:members_duesrecord_changelist") + "?year=2026").content.decode()
    assert reverse("admin:members_duesrecord_export") + "?year=2026" in page
    form = client.get(reverse("admin:members_duesrecord_export") + "?year=2026").content.decode()
    assert "导出" in form and "会员、会费年度" in form
    assert " style=" not in form  # the content security policy forbids inline styles and scripts
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", form)


def test_libreoffice_opens_a_generated_export(client, streets, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("libreoffice-calc is not installed (apt-get install libreoffice-calc; .ci/run does)")
    dues(streets["unit_a"], 2)
    client.force_login(streets["street"])
    source = tmp_path / "dues.xlsx"
    source.write_bytes(client.post(reverse("admin:members_duesrecord_export"), {"format": "0"}).content)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "dues.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("会员,会费年度") and len(lines) == 3
