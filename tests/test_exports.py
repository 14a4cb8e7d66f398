"""Any changelist to .xlsx (jiading_union/exports.py): scope, filters, masking, formula escaping,
a query count that does not grow with the rows, the background path, and the round trip."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jiading_union import imports as engine
from jiading_union.exports import escape_cell
from members import imports as roster
from members.models import Member, StaffRole
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_streets()


def two_streets():
    """A district with two streets of one unit each, and staff of the first street, the second and
    the district (the exports' scope tests)."""
    district = DistrictFactory()
    street_a, street_b = StreetFactory(parent=district), StreetFactory(parent=district)
    unit_a, unit_b = UnitFactory(parent=street_a), UnitFactory(parent=street_b)
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "street_a": street_a,
        "street": StaffUserFactory(role=StaffRole.STREET, organisation=street_a),
        "other_street": StaffUserFactory(role=StaffRole.STREET, organisation=street_b),
        "district": StaffUserFactory(role=StaffRole.DISTRICT, organisation=district),
    }


def members(unit, count, **kwargs):
    return [MemberFactory(organisation=unit, street=unit.street, **kwargs) for _ in range(count)]


def sheet_rows(content: bytes):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def export(client, user, query=""):
    client.force_login(user)
    response = client.post(reverse("admin:members_member_export") + query)
    assert response.status_code == 200, response.content[:300]
    return sheet_rows(response.content)


def test_street_staff_export_their_street_with_masked_ids(client, world):
    mine = members(world["unit_a"], 3)
    members(world["unit_b"], 2)
    rows = export(client, world["street"])
    header, body = rows[0], rows[1:]
    assert header[:3] == ["会员服务卡号", "姓名", "身份证号码"]
    assert sorted(r[0] for r in body) == sorted(m.card_number for m in mine)
    assert all(r[2].count("*") == 8 for r in body)
    assert {r[8] for r in body} == {"在职职工"}  # labels, never codes
    assert {r[12] for r in body} == {"是"}


def test_district_staff_read_full_ids_and_filters_apply(client, world):
    members(world["unit_a"], 2)
    flexible = members(world["unit_b"], 1, employment_type="flexible_worker", flexible_industry="food_delivery")
    rows = export(client, world["district"], "?employment_type=flexible_worker")
    assert [r[2] for r in rows[1:]] == [flexible[0].id_number]


def test_the_changelist_links_to_the_export_with_its_filters(client, world):
    client.force_login(world["street"])
    page = client.get(reverse("admin:members_member_changelist") + "?employment_type=employee").content.decode()
    assert reverse("admin:members_member_export") + "?employment_type=employee" in page


@pytest.mark.parametrize("text", ["=1+2", "+8613800000000", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formulas_are_escaped(text):
    assert escape_cell(text) == "'" + text
    assert escape_cell("张三") == "张三"


def test_cells_that_look_like_formulas_are_exported_as_text(client, world):
    members(world["unit_a"], 1, name='=HYPERLINK("http://x")')
    rows = export(client, world["street"])
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world["district"])
    url = reverse("admin:members_member_export")
    members(world["unit_a"], 3)
    with CaptureQueriesContext(connection) as few:
        client.post(url)
    members(world["unit_a"], 60)
    with CaptureQueriesContext(connection) as many:
        client.post(url)
    assert len(many) == len(few)


def test_a_large_export_runs_as_a_task_with_a_download(client, world, settings, django_capture_on_commit_callbacks):
    settings.SPREADSHEET_INLINE_MAX_ROWS = 2
    members(world["unit_a"], 4)
    members(world["unit_b"], 3)
    client.force_login(world["street"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("admin:members_member_export"))
    assert response.status_code == 302 and len(callbacks) == 1
    page = client.get(response["Location"]).content.decode()
    assert "下载" in page and "共 4 行" in page
    download = client.get(response["Location"] + "?download=1")
    body = b"".join(download.streaming_content)
    assert len(sheet_rows(body)) == 5  # the header and the street's four
    client.force_login(StaffUserFactory(role=StaffRole.STREET, organisation=world["unit_b"].street))
    assert client.get(response["Location"] + "?download=1").status_code == 404


def test_round_trip_export_then_import_changes_nothing(client, world):
    originals = members(world["unit_a"], 5, joined_union_on=None)
    client.force_login(world["district"])
    content = client.post(reverse("admin:members_member_export")).content
    before = list(Member.objects.order_by("pk").values())
    outcome = engine.execute(roster.member_roster, user=world["district"], file=content, name="导出.xlsx")
    assert outcome.errors == [] and outcome.unchanged == len(originals)
    assert list(Member.objects.order_by("pk").values()) == before


def test_applications_export_for_the_street(client, world):
    client.force_login(world["street"])
    response = client.post(reverse("admin:projects_application_export"))
    assert response.status_code == 200
    assert sheet_rows(response.content)[0][:2] == ["申请编号", "服务项目"]


def csv_rows(content: bytes):
    import csv

    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for Chinese
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_has_the_same_scope_masking_labels_and_escaping(client, world):
    mine = members(world["unit_a"], 2)
    members(world["unit_b"], 2)
    members(world["unit_a"], 1, name="=1+2")
    client.force_login(world["street"])
    response = client.post(reverse("admin:members_member_export"), {"format": "1"})  # CSV
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    assert rows[0][:3] == ["会员服务卡号", "姓名", "身份证号码"]
    body = rows[1:]
    assert len(body) == 3 and {mine[0].card_number, mine[1].card_number} <= {r[0] for r in body}
    assert all(r[2].count("*") == 8 for r in body)
    assert {r[8] for r in body} == {"在职职工"}
    assert "'=1+2" in {r[1] for r in body}


def test_a_large_csv_export_runs_as_a_task_with_progress_and_a_download(
    client, world, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from jiading_union import exports
    from members.models import SpreadsheetJob

    settings.SPREADSHEET_INLINE_MAX_ROWS = 2
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    seen = []

    members(world["unit_a"], 5)
    client.force_login(world["street"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:members_member_export"), {"format": "1"})
    assert response.status_code == 302 and len(callbacks) == 1
    job = SpreadsheetJob.objects.get()
    assert job.source_name.endswith(".csv")
    assert "正在后台生成" in client.get(response["Location"]).content.decode()

    original = exports.write_csv

    def watching(out, **kwargs):
        progress = kwargs["progress"]

        def noted(done):
            progress(done)
            seen.append(SpreadsheetJob.objects.values_list("done", "total").get(pk=job.pk))

        return original(out, **{**kwargs, "progress": noted})

    monkeypatch.setattr("jiading_union.resources.write_csv", watching)
    callbacks[0]()
    assert seen == [(2, 5), (4, 5)]  # the page's "已写出 2 / 5 行" while it runs
    page = client.get(response["Location"]).content.decode()
    assert "共 5 行" in page
    download = client.get(response["Location"] + "?download=1")
    assert download["Content-Type"].startswith("text/csv")
    assert len(csv_rows(b"".join(download.streaming_content))) == 6
