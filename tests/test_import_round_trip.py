"""The round trip through django-import-export's admin flow (issue 16, Tests): a list exported from the
admin and uploaded again through import/ → the job's check → process_import/ comes back the same; and
the bad inputs the member-roster tests do not already cover, each with its Chinese message, nothing
saved (repeated headers, a formula in a CSV, a real .xls and an .ods, a real shared-strings bomb,
the 20 MB junk upload through the admin form, dates and digits written the ways clerks write them)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jiading_union import imports as engine
from jiading_union import spreadsheets
from jiading_union.resources import XLSX
from members import imports as roster
from members.imports import MemberResource
from members.models import JobStatus, Member, SpreadsheetJob, StaffRole
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory, make_id_number
from tests.files import shared_strings_bomb

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in roster.member_roster.columns]


@pytest.fixture
def world():
    district = DistrictFactory()
    street_a = StreetFactory(parent=district, name="甲街道")
    street_b = StreetFactory(parent=district, name="乙街道")
    unit_a, unit_b = UnitFactory(parent=street_a), UnitFactory(parent=street_b)
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "street_user": StaffUserFactory(role=StaffRole.STREET, organisation=street_a),
        "district_user": StaffUserFactory(role=StaffRole.DISTRICT, organisation=district),
    }


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(unit, n=1, **overrides):
    values = {
        roster.NAME: f"职工{n}",
        roster.ID: make_id_number(date(1990, 1, 1), n),
        roster.CARD: f"{3300000000 + n}",
        roster.PHONE: f"139{n:08d}",
        roster.UNIT: unit.code,
        roster.STREET: unit.street.name,
        roster.EMPLOYMENT: "在职职工",
        roster.INDUSTRY: None,
        roster.JOINED: "2020-05-01",
        roster.ISSUED: None,
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def check(world, data, name="名册.xlsx", user="street_user"):
    return engine.preview(roster.member_roster, user=world[user], file=data, name=name)


def cell(n, column, message):
    return engine.ROW_ERROR.format(row=n, column=column, message=message)


def upload_and_confirm(client, content: bytes, name: str) -> SpreadsheetJob:
    """import/ (the upload, checked) → the job's page → process_import/ (django-import-export's confirm)."""
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(reverse("admin:members_member_import"), {"import_file": upload, "format": "0"})
    assert response.status_code == 302, response.content[:500]
    job = SpreadsheetJob.objects.latest("pk")
    page = client.get(response["Location"]).content.decode()
    assert job.status == JobStatus.CHECKED, (job.result.get("errors"), page[:500])
    assert f'name="import_file_name" value="{job.pk}"' in page  # the confirm form names the job
    confirmed = client.post(
        reverse("admin:members_member_process_import"),
        {"import_file_name": str(job.pk), "original_file_name": name, "format": "0", "resource": "0"},
    )
    assert confirmed.status_code == 302
    job.refresh_from_db()
    return job


class TestRoundTrip:
    def test_export_then_import_through_process_import_is_the_same_data(self, client, world):
        for n in range(5):
            MemberFactory(
                organisation=world["unit_a"], street=world["unit_a"].street, joined_union_on=date(2020, 5, n + 1)
            )
        MemberFactory(organisation=world["unit_b"], street=world["unit_b"].street, joined_union_on=None)
        client.force_login(world["district_user"])
        exported = client.post(reverse("admin:members_member_export"), {"format": "0"})
        assert exported.status_code == 200
        before = list(Member.objects.order_by("pk").values())
        job = upload_and_confirm(client, exported.content, "导出.xlsx")
        assert job.status == JobStatus.IMPORTED
        assert (job.result["created"], job.result["changed"], job.result["unchanged"]) == (0, 0, 6)
        assert list(Member.objects.order_by("pk").values()) == before

    def test_an_edit_in_the_exported_file_comes_back_as_that_change_only(self, client, world):
        members = [MemberFactory(organisation=world["unit_a"], street=world["unit_a"].street) for _ in range(3)]
        client.force_login(world["district_user"])
        workbook = load_workbook(io.BytesIO(client.post(reverse("admin:members_member_export")).content))
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        name_at, id_at = headers.index(roster.NAME), headers.index(roster.ID)
        target = next(r for r in sheet.iter_rows(min_row=2) if r[id_at].value == members[1].id_number)
        target[name_at].value = "改过的名字"
        out = io.BytesIO()
        workbook.save(out)
        job = upload_and_confirm(client, out.getvalue(), "改过.xlsx")
        assert (job.result["created"], job.result["changed"], job.result["unchanged"]) == (0, 1, 2)
        changed = Member.objects.get(pk=members[1].pk)
        assert changed.name == "改过的名字"
        assert changed.history.first().history_change_reason.startswith("从文件“改过.xlsx”第")
        assert Member.objects.get(pk=members[0].pk).name == members[0].name

    def test_the_resource_import_data_is_the_same_as_the_admin_path(self, world):
        """django-import-export's Resource.import_data (dry run, then for real) on a Format's dataset."""
        data = xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2)])
        resource = MemberResource(user=world["street_user"])
        preview = resource.import_data(XLSX().create_dataset(data), dry_run=True, file_name="名册.xlsx")
        assert not preview.has_errors() and preview.totals["new"] == 2 and not Member.objects.exists()
        result = resource.import_data(XLSX().create_dataset(data), dry_run=False, file_name="名册.xlsx")
        assert result.totals["new"] == 2 and Member.objects.count() == 2
        bad = resource.import_data(XLSX().create_dataset(xlsx([row(world["unit_b"], 3)])), dry_run=False)
        assert bad.has_validation_errors() and Member.objects.count() == 2
        assert bad.invalid_rows[0].number == 2
        assert bad.invalid_rows[0].error_dict == {roster.UNIT: [roster.UNIT_UNKNOWN.format(value=world["unit_b"].code)]}


class TestBadInputs:
    def test_a_repeated_header_is_named(self, world):
        headers = [*HEADERS, roster.NAME]
        outcome = check(world, xlsx([[*row(world["unit_a"]), "张三"]], headers=headers))
        assert outcome.errors == [engine.HEADER_REPEATED.format(column=roster.NAME)]

    def test_a_formula_in_a_csv_is_refused_where_it_is(self, world):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerow(row(world["unit_a"], 1, **{roster.NAME: '=HYPERLINK("http://x")'}))
        outcome = check(world, out.getvalue().encode("utf-8-sig"), name="名册.csv")
        assert outcome.errors == [cell(2, roster.NAME, engine.CELL_FORMULA)]

    def test_a_cell_our_export_escaped_reads_back_as_it_was(self, world):
        outcome = engine.execute(
            roster.member_roster,
            user=world["street_user"],
            file=xlsx([row(world["unit_a"], 1, **{roster.NAME: "'=张三"})]),
            name="名册.xlsx",
        )
        assert outcome.saved and Member.objects.get().name == "=张三"

    def test_dates_and_digits_as_clerks_write_them(self, world):
        full_width_card = "".join(chr(ord(c) + 0xFEE0) for c in "3300000001")
        rows = [
            row(world["unit_a"], 1, **{roster.CARD: full_width_card, roster.JOINED: "2020/5/1"}),
            row(world["unit_a"], 2, **{roster.JOINED: "43952"}),  # a serial number typed as text
            row(world["unit_a"], 3, **{roster.JOINED: "２０２０－０５－０１"}),  # full-width
            row(world["unit_a"], 4, **{roster.CARD: "0012345678"}),  # leading zeros kept as text
        ]
        outcome = engine.execute(roster.member_roster, user=world["street_user"], file=xlsx(rows), name="名册.xlsx")
        assert outcome.errors == [] and outcome.saved
        assert set(Member.objects.values_list("joined_union_on", flat=True)) == {date(2020, 5, 1)}
        assert set(Member.objects.values_list("card_number", flat=True)) >= {"3300000001", "0012345678"}

    def test_a_card_number_that_lost_its_zeros_says_so(self, world):
        outcome = check(world, xlsx([row(world["unit_a"], 1, **{roster.CARD: 12345678})]))
        assert outcome.errors == [cell(2, roster.CARD, engine.CELL_ZEROS_LOST.format(value="12345678"))]

    def test_a_real_shared_strings_bomb_is_refused_and_nothing_is_saved(self, world):
        bomb = shared_strings_bomb(xlsx([row(world["unit_a"], 1)]), 600 * 1024 * 1024)
        outcome = check(world, bomb)
        assert len(outcome.errors) == 1 and outcome.errors[0].startswith("文件“名册.xlsx”")
        assert "解压后超过" in outcome.errors[0] or "不同的文字内容超过" in outcome.errors[0]
        assert not Member.objects.exists()

    def test_twenty_megabytes_of_junk_through_the_admin_form(self, client, world, django_capture_on_commit_callbacks):
        client.force_login(world["street_user"])
        upload = io.BytesIO(b"\x00junk" * (4 * 1024 * 1024))
        upload.name = "名册.xlsx"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("admin:members_member_import"), {"import_file": upload})
        assert len(callbacks) == 1  # 20 MB: checked by the Celery task, not in the request
        job = SpreadsheetJob.objects.get()
        assert job.status == JobStatus.REFUSED
        assert job.result["errors"] == [spreadsheets.TABLE_UNREADABLE.format(name="名册.xlsx")]
        assert (
            spreadsheets.TABLE_UNREADABLE.format(name="名册.xlsx") in client.get(response["Location"]).content.decode()
        )
        assert not Member.objects.exists()

    def test_an_upload_over_the_limit_is_refused_by_the_form(self, client, world, settings):
        from jiading_union.admin_spreadsheets import UPLOAD_TOO_LARGE

        settings.SPREADSHEET_UPLOAD_MAX_BYTES = 1024 * 1024
        client.force_login(world["street_user"])
        upload = io.BytesIO(b"x" * (2 * 1024 * 1024))
        upload.name = "名册.xlsx"
        response = client.post(reverse("admin:members_member_import"), {"import_file": upload})
        assert response.status_code == 200 and UPLOAD_TOO_LARGE.format(limit=1) in response.content.decode()
        assert not SpreadsheetJob.objects.exists()


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="libreoffice-calc missing")
def test_a_real_xls_and_ods_saved_by_libreoffice_are_read(world, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    source = tmp_path / "名册.xlsx"
    source.write_bytes(xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2)]))
    for target in ("xls", "ods"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        outcome = check(world, (tmp_path / f"名册.{target}").read_bytes(), name=f"名册.{target}")
        assert outcome.errors == [] and outcome.created == 2, (target, outcome.errors)
        assert outcome.format
