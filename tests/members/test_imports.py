"""The member roster import (members/imports.py on jiading_union/imports.py): every bad input gives
its Chinese message with row and column, nothing is saved, scope holds, rows are audited."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from jiading_union import imports as engine
from jiading_union import spreadsheets
from members import identity
from members import imports as roster
from members.models import Member, StaffRole
from tests.factories import (
    DistrictFactory,
    MemberFactory,
    StaffUserFactory,
    StreetFactory,
    UnitFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in roster.member_roster.columns]


def xlsx(rows, headers=HEADERS, *, text=True) -> bytes:
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


@pytest.fixture
def world():
    district = DistrictFactory()
    street_a = StreetFactory(parent=district, name="甲街道")
    street_b = StreetFactory(parent=district, name="乙街道")
    unit_a = UnitFactory(parent=street_a)
    unit_b = UnitFactory(parent=street_b)
    return {
        "district": district,
        "street_a": street_a,
        "street_b": street_b,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "street_user": StaffUserFactory(role=StaffRole.STREET, organisation=street_a),
        "unit_user": StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=unit_a),
        "district_user": StaffUserFactory(role=StaffRole.DISTRICT, organisation=district),
    }


def run(world, data, user="street_user", name="名册.xlsx"):
    return engine.execute(roster.member_roster, user=world[user], file=data, name=name)


def check(world, data, user="street_user", name="名册.xlsx"):
    return engine.preview(roster.member_roster, user=world[user], file=data, name=name)


def cell(n, column, message):
    return engine.ROW_ERROR.format(row=n, column=column, message=message)


class TestGoodFiles:
    def test_preview_writes_nothing_then_execute_creates_and_audits(self, world):
        data = xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2)])
        outcome = check(world, data)
        assert outcome.errors == [] and outcome.created == 2 and not outcome.saved
        assert Member.objects.count() == 0
        assert outcome.preview[0][roster.ID].count("*") == 8  # masked in the preview
        outcome = run(world, data)
        assert outcome.saved and outcome.created == 2
        member = Member.objects.get(card_number="3300000001")
        assert member.street == world["street_a"] and member.birth_date == date(1990, 1, 1)
        assert member.id_number_last4 == member.id_number[-4:]
        record = member.history.get()
        assert record.history_user == world["street_user"]
        assert record.history_change_reason == "从文件“名册.xlsx”第2行导入"

    def test_a_second_import_updates_and_leaves_alone(self, world):
        run(world, xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2)]))
        outcome = run(world, xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2, **{roster.NAME: "新名字"})]))
        assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 1, 1)
        assert Member.objects.get(card_number="3300000002").name == "新名字"
        assert Member.objects.get(card_number="3300000002").history.count() == 2

    def test_full_width_digits_text_dates_and_serials_are_read(self, world):
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in make_id_number(date(1990, 1, 1), 1))
        rows = [
            row(world["unit_a"], 1, **{roster.ID: full_width, roster.JOINED: "2020年5月1日"}),
            row(world["unit_a"], 2, **{roster.JOINED: 43952}),  # Excel serial of 2020-05-01
            row(world["unit_a"], 3, **{roster.JOINED: date(2020, 5, 1)}),
            row(world["unit_a"], 4, **{roster.CARD: 3300000004}),  # a number with all ten digits
        ]
        assert run(world, xlsx(rows)).saved
        assert set(Member.objects.values_list("joined_union_on", flat=True)) == {date(2020, 5, 1)}
        assert Member.objects.filter(id_number=make_id_number(date(1990, 1, 1), 1)).exists()

    def test_csv_in_gbk_and_ods_are_read(self, world):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerow(row(world["unit_a"], 1))
        assert run(world, out.getvalue().encode("gb18030"), name="名册.csv").saved
        assert Member.objects.count() == 1

    def test_the_template_reads_back_as_its_own_headers(self, world):
        outcome = check(world, roster.member_roster.template(), user="district_user")
        # The example row names a unit that does not exist: the only error is that.
        assert [e for e in outcome.errors if roster.UNIT not in e] == []


class TestBadFiles:
    def test_missing_and_unknown_headers_are_named(self, world):
        headers = [h for h in HEADERS if h != roster.CARD] + ["备注"]
        outcome = check(world, xlsx([["x"] * len(headers)], headers=headers))
        assert outcome.errors == [
            engine.HEADER_MISSING.format(columns=roster.CARD),
            engine.HEADER_UNKNOWN.format(columns="备注"),
        ]

    def test_empty_file_and_header_only(self, world):
        assert check(world, b"").errors == [engine.NO_ROWS.format(name="名册.xlsx")]
        assert check(world, xlsx([], headers=None)).errors == [engine.NO_ROWS.format(name="名册.xlsx")]
        assert check(world, xlsx([])).errors == [engine.NO_ROWS.format(name="名册.xlsx")]

    def test_junk_file(self, world):
        junk = bytes(range(256)) * (20 * 1024 * 4)  # 20 MB of bytes that are no table
        assert check(world, junk).errors == [spreadsheets.TABLE_UNREADABLE.format(name="名册.xlsx")]

    def test_zip_bomb_is_refused_before_reading(self, world):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>a</t></si>" * 2_000_000 + "</sst>")
        assert check(world, out.getvalue()).errors[0] in {
            spreadsheets.RATIO_TOO_HIGH.format(name="名册.xlsx", limit=100),
            spreadsheets.TOO_MANY_STRINGS.format(name="名册.xlsx", limit="1,000,000"),
        }

    def test_xls_that_is_damaged_is_refused(self, world):
        fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000
        assert check(world, fake, name="名册.xls").errors == [spreadsheets.TABLE_UNREADABLE.format(name="名册.xls")]

    def test_formulas_are_refused_where_they_are(self, world):
        data = xlsx([row(world["unit_a"], 1, **{roster.NAME: '=CONCAT("张","三")'})])
        assert check(world, data).errors == [cell(2, roster.NAME, engine.CELL_FORMULA)]
        assert Member.objects.count() == 0

    def test_every_bad_row_is_listed_and_nothing_is_saved(self, world):
        unit = world["unit_a"]
        good_id = make_id_number(date(1990, 1, 1), 1)
        bad_checksum = good_id[:17] + ("0" if good_id[17] != "0" else "1")
        rows = [
            row(unit, 1),
            row(unit, 2, **{roster.ID: bad_checksum}),
            row(unit, 3, **{roster.ID: good_id}),  # repeats row 2's… no: row 2's is bad; repeats row 1
            row(unit, 4, **{roster.CARD: 12345}),  # a number that lost its leading zeros
            row(unit, 5, **{roster.ID: 310114199001011234}),  # 18 digits typed as a number
            row(unit, 6, **{roster.UNIT: "不存在的单位"}),
            row(unit, 7, **{roster.STREET: "丙街道"}),
            row(unit, 8, **{roster.JOINED: "去年"}),
            row(unit, 9, **{roster.NAME: None}),
            row(unit, 10, **{roster.EMPLOYMENT: "学生"}),
            row(unit, 11, **{roster.EMPLOYMENT: "灵活就业人员"}),
        ]
        outcome = run(world, xlsx(rows))
        assert not outcome.saved and Member.objects.count() == 0
        assert outcome.bad_rows == 10
        assert outcome.errors == [
            cell(3, roster.ID, identity.ID_NUMBER_CHECKSUM),
            cell(4, roster.ID, roster.DUPLICATE_IN_FILE.format(first=2)),
            cell(5, roster.CARD, engine.CELL_ZEROS_LOST.format(value="12345")),
            cell(6, roster.ID, engine.CELL_NUMBER_ROUNDED),
            cell(7, roster.UNIT, roster.UNIT_UNKNOWN.format(value="不存在的单位")),
            cell(8, roster.STREET, roster.STREET_UNKNOWN.format(value="丙街道")),
            cell(9, roster.JOINED, engine.CELL_DATE.format(value="去年")),
            cell(10, roster.NAME, engine.CELL_MISSING),
            cell(
                11,
                roster.EMPLOYMENT,
                engine.CELL_CHOICE.format(value="学生", choices="在职职工、农民工、灵活就业人员、环卫职工"),
            ),
            cell(12, roster.INDUSTRY, roster.FLEXIBLE_INDUSTRY_REQUIRED),
        ]

    def test_duplicates_against_the_database(self, world):
        other = MemberFactory(organisation=world["unit_b"], street=world["street_b"])
        mine = MemberFactory(organisation=world["unit_a"], street=world["street_a"])
        rows = [
            row(world["unit_a"], 1, **{roster.ID: other.id_number}),
            row(world["unit_a"], 2, **{roster.CARD: other.card_number}),
            row(world["unit_a"], 3, **{roster.PHONE: other.phone}),
            row(world["unit_a"], 4, **{roster.ID: mine.id_number}),
        ]
        outcome = check(world, xlsx(rows))
        assert outcome.errors == [
            cell(2, roster.ID, roster.ID_ELSEWHERE),
            cell(3, roster.CARD, roster.CARD_TAKEN),
            cell(4, roster.PHONE, roster.PHONE_TAKEN),
            cell(5, roster.ID, roster.ID_OTHER_CARD.format(card=mine.card_number)),
        ]


class TestScope:
    def test_a_street_user_cannot_import_into_another_street(self, world):
        outcome = run(world, xlsx([row(world["unit_b"], 1)]))
        assert outcome.errors == [cell(2, roster.UNIT, roster.UNIT_UNKNOWN.format(value=world["unit_b"].code))]
        assert Member.objects.count() == 0

    def test_by_name_either(self, world):
        outcome = run(world, xlsx([row(world["unit_b"], 1, **{roster.UNIT: world["unit_b"].name})]))
        assert outcome.errors == [cell(2, roster.UNIT, roster.UNIT_UNKNOWN.format(value=world["unit_b"].name))]

    def test_a_unit_user_imports_only_into_their_unit(self, world):
        sibling = UnitFactory(parent=world["street_a"])
        outcome = run(world, xlsx([row(world["unit_a"], 1), row(sibling, 2)]), user="unit_user")
        assert outcome.errors == [cell(3, roster.UNIT, roster.UNIT_UNKNOWN.format(value=sibling.code))]

    def test_district_imports_anywhere(self, world):
        assert run(world, xlsx([row(world["unit_a"], 1), row(world["unit_b"], 2)]), user="district_user").saved


class TestAdminPages:
    """The admin flow: template, upload, preview, confirm; a street user only in their street."""

    def login(self, client, user):
        client.force_login(user)

    def test_upload_preview_confirm(self, client, world):
        from django.urls import reverse

        self.login(client, world["street_user"])
        changelist = client.get(reverse("admin:members_member_changelist"))
        assert "导入会员名册" in changelist.content.decode()
        template = client.get(reverse("admin:members_member_import_template", args=["member_roster"]))
        assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
        page = client.get(reverse("admin:members_member_import"))
        assert page.status_code == 200 and "下载会员名册模板" in page.content.decode()
        upload = io.BytesIO(xlsx([row(world["unit_a"], 1), row(world["unit_a"], 2)]))
        upload.name = "甲街道名册.xlsx"
        response = client.post(reverse("admin:members_member_import"), {"import_file": upload})
        assert response.status_code == 302
        preview = client.get(response["Location"])
        text = preview.content.decode()
        assert "新增 2 条" in text and "确认导入" in text and Member.objects.count() == 0
        done = client.post(response["Location"])
        assert done.status_code == 302
        assert Member.objects.count() == 2
        assert "已导入" in client.get(response["Location"]).content.decode()
        # Confirming twice imports nothing more.
        client.post(response["Location"])
        assert Member.objects.count() == 2

    def test_a_bad_file_lists_its_rows_and_offers_no_confirmation(self, client, world):
        from django.urls import reverse

        self.login(client, world["street_user"])
        upload = io.BytesIO(xlsx([row(world["unit_b"], 1)]))
        upload.name = "名册.xlsx"
        response = client.post(reverse("admin:members_member_import"), {"import_file": upload})
        text = client.get(response["Location"]).content.decode()
        assert roster.UNIT_UNKNOWN.format(value=world["unit_b"].code) in text
        assert "确认导入" not in text
        client.post(response["Location"])
        assert Member.objects.count() == 0

    def test_another_users_job_is_a_404_and_cannot_be_confirmed(self, client, world):
        from django.urls import reverse

        self.login(client, world["street_user"])
        upload = io.BytesIO(xlsx([row(world["unit_a"], 1)]))
        upload.name = "名册.xlsx"
        url = client.post(reverse("admin:members_member_import"), {"import_file": upload})["Location"]
        other = StaffUserFactory(role=StaffRole.STREET, organisation=world["street_b"])
        self.login(client, other)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert Member.objects.count() == 0

    def test_a_large_file_runs_as_a_task(self, client, world, settings, django_capture_on_commit_callbacks):
        from django.urls import reverse

        settings.SPREADSHEET_INLINE_MAX_BYTES = 1  # every file is "large"
        self.login(client, world["street_user"])
        upload = io.BytesIO(xlsx([row(world["unit_a"], n) for n in range(1, 30)]))
        upload.name = "名册.xlsx"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            url = client.post(reverse("admin:members_member_import"), {"import_file": upload})["Location"]
        assert len(callbacks) == 1  # the check was queued, not run in the request
        assert "新增 29 条" in client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            client.post(url)
        assert len(callbacks) == 1 and Member.objects.count() == 29

    def test_staff_without_the_permission_get_no_import(self, client, world):
        from django.urls import reverse

        from members.models import User

        clerk = User.objects.create_user(
            "clerk", password="x", is_staff=True, role=StaffRole.STREET, organisation=world["street_a"]
        )
        self.login(client, clerk)
        assert client.get(reverse("admin:members_member_import")).status_code == 403


def ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), every cell as text."""

    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="会员名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_ods_roster_is_read(world):
    outcome = run(world, ods([HEADERS, row(world["unit_a"], 1)]), name="名册.ods")
    assert outcome.errors == [] and outcome.saved and outcome.format == "OpenDocument（ods）"
    assert Member.objects.get().card_number == "3300000001"


def test_a_failure_inside_a_job_is_shown_not_raised(world, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.models import JobStatus

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(roster.MemberRosterImport, "plan", broken)
    upload = SimpleUploadedFile("名册.xlsx", xlsx([row(world["unit_a"], 1)]))
    job = engine.import_job_start(user=world["street_user"], spec=roster.member_roster, upload=upload)
    assert job.status == JobStatus.FAILED and Member.objects.count() == 0


def test_job_files_are_removed_after_their_keeping_period_and_the_job_record_stays(world, settings):
    """Uploaded rosters hold ID numbers: their files go after SPREADSHEET_JOB_FILES_DAYS, counted from
    when the job finished; a job still awaiting confirmation keeps its file."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from members.models import JobKind, JobStatus, SpreadsheetJob
    from members.tasks import spreadsheet_job_files_purge

    settings.SPREADSHEET_JOB_FILES_DAYS = 30
    now = datetime(2026, 12, 2, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

    def job(status, finished_days_ago):
        made = SpreadsheetJob.objects.create(
            kind=JobKind.IMPORT,
            spec="member_roster",
            status=status,
            created_by=world["street_user"],
            finished_at=None if finished_days_ago is None else now - timedelta(days=finished_days_ago),
            result={"created": 1},
        )
        made.source.save(f"{made.pk}.xlsx", ContentFile(b"roster"), save=True)
        return made

    old = job(JobStatus.IMPORTED, 30.01)
    recent = job(JobStatus.IMPORTED, 29.99)
    waiting = job(JobStatus.CHECKED, None)
    old_name = old.source.name

    from jiading_union.imports import spreadsheet_job_files_purge as purge

    assert purge(now=now) == 1
    for made in (old, recent, waiting):
        made.refresh_from_db()
    assert not old.source and not default_storage.exists(old_name)
    assert old.result == {"created": 1}  # the record of the import stays
    assert recent.source and default_storage.exists(recent.source.name)
    assert waiting.source and default_storage.exists(waiting.source.name)
    assert purge(now=now) == 0  # a second run finds nothing
    assert spreadsheet_job_files_purge.name == "members.tasks.spreadsheet_job_files_purge"
