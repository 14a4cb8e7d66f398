"""Unit bulk applications and sanitation rosters from a spreadsheet (issue 16): through the engine
(preview, all or nothing), each row submitted by the real submission service (rules, quotas, once
per year), a street user only for their own street's units, each application's history naming the
file and row; and through django-import-export's admin flow (template, import/, process_import/)."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiading_union import imports as engine
from members.models import StaffRole
from projects.imports import UNIT_TWICE, UNIT_UNKNOWN
from projects.legal import services as legal_services
from projects.models import Application, QuotaPool
from projects.sanitation.imports import DUPLICATE_IN_FILE, HELD_ELSEWHERE, NOT_INSURED, SHARES_DIFFER
from projects.sanitation.models import RosterEntry
from tests.factories import StaffUserFactory, UnitFactory, make_id_number
from tests.files import xlsx

pytestmark = pytest.mark.django_db
ROOM_HEADER = ("单位", "申报年度", "申报类型", "藏书量（册）", "报刊（种）", "电子音像制品（种/张）")
IDS = [make_id_number(date(1975, 3, 1), n) for n in range(1, 9)]


def room_row(unit, books=2300, kind="区级职工书屋示范点"):
    return (unit.code, "2019", kind, str(books), "12", "60")


def run(key, user, content, *, name="批量申报.xlsx", dry_run=False):
    spec = engine.get_import(key)
    call = engine.preview if dry_run else engine.execute
    return call(spec, user=user, file=content, name=name)


@pytest.fixture
def october_2019():
    with time_machine.travel("2019-10-08 10:00 +0800", tick=False):
        yield


class TestReadingRooms:
    def test_a_street_submits_for_its_units_preview_first(self, tree, staff, october_2019):
        content = xlsx(room_row(tree["unit"]), room_row(tree["other_unit"], kind="职工书屋自建点"), header=ROOM_HEADER)
        checked = run("reading_room_applications", staff["street"], content, dry_run=True)
        assert checked.errors == [] and checked.created == 2 and not Application.objects.exists()
        assert QuotaPool.objects.filter(taken__gt=0).count() == 0  # the trial took nothing
        done = run("reading_room_applications", staff["street"], content)
        assert done.saved and done.created == 2
        applications = Application.objects.order_by("pk")
        assert [a.organisation for a in applications] == [tree["unit"], tree["other_unit"]]
        assert {a.rule_id for a in applications} == {"reading_room"}
        assert applications[0].history.first().history_change_reason == "从文件“批量申报.xlsx”第2行导入"
        assert QuotaPool.objects.get(key="reading_room:2019:demo").taken == 1

    def test_another_streets_unit_is_unknown_and_nothing_is_submitted(self, tree, staff, october_2019):
        content = xlsx(room_row(tree["unit"]), room_row(tree["far_unit"]), header=ROOM_HEADER)
        outcome = run("reading_room_applications", staff["street"], content)
        assert outcome.errors == ["第3行“单位”列：" + UNIT_UNKNOWN.format(value=tree["far_unit"].code)]
        assert not outcome.saved and not Application.objects.exists()

    def test_the_rules_answer_each_row_with_its_column(self, tree, staff, october_2019):
        content = xlsx(room_row(tree["unit"], books=1999), room_row(tree["unit"]), header=ROOM_HEADER)
        outcome = run("reading_room_applications", staff["street"], content)
        assert "第2行“单位”列：" in outcome.errors[0] and "藏书量须达到 2000 册" in outcome.errors[0]
        assert outcome.errors[1] == "第3行“单位”列：" + UNIT_TWICE.format(first=2)
        assert not Application.objects.exists()

    def test_a_unit_that_already_applied_this_year_is_refused(self, tree, staff, october_2019):
        run("reading_room_applications", staff["street"], xlsx(room_row(tree["unit"]), header=ROOM_HEADER))
        outcome = run("reading_room_applications", staff["street"], xlsx(room_row(tree["unit"]), header=ROOM_HEADER))
        assert len(outcome.errors) == 1 and outcome.errors[0].startswith("第2行“单位”列：该单位本年度已申报职工书屋。")
        assert Application.objects.count() == 1

    def test_a_unit_applies_for_itself_only(self, tree, staff, october_2019):
        content = xlsx(room_row(tree["other_unit"]), header=ROOM_HEADER)
        outcome = run("reading_room_applications", staff["grassroots"], content)
        assert outcome.errors == ["第2行“单位”列：" + UNIT_UNKNOWN.format(value=tree["other_unit"].code)]


class TestLegalCheckupCandidates:
    def test_the_streets_places_count_the_files_earlier_rows(self, tree, staff):
        header = ("单位", "申报年度")
        with time_machine.travel("2021-02-01 09:00 +0800", tick=False):
            legal_services.legal_checkup_allocate(
                user=staff["district"], street=tree["street"], policy_year=2021, places=1
            )
            content = xlsx((tree["unit"].code, "2021"), (tree["other_unit"].name, "2021"), header=header)
            outcome = run("legal_checkup_candidates", staff["street"], content)
            assert len(outcome.errors) == 1 and outcome.errors[0].startswith("第3行“单位”列：")
            assert "名额已满：本街镇名额 1 家，已确定 1 家" in outcome.errors[0]
            assert not Application.objects.exists()
            assert QuotaPool.objects.get(key=f"legal_checkup:2021:street:{tree['street'].code}").taken == 0
            done = run("legal_checkup_candidates", staff["street"], xlsx((tree["unit"].code, "2021"), header=header))
            assert done.saved and Application.objects.get().organisation == tree["unit"]


SANITATION_HEADER = (
    "单位",
    "申报年度",
    "姓名",
    "身份证号码",
    "正常缴纳社保(是/否)",
    "住院补充医疗份数",
    "团体意外伤害份数",
)


@pytest.fixture
def operators(tree):
    return (
        UnitFactory(parent=tree["street"], is_sanitation_operator=True),
        UnitFactory(parent=tree["street"], is_sanitation_operator=True),
    )


def worker(unit, n, insured="是", shares="1"):
    return (unit.code, "2019", f"职工{n}", IDS[n], insured, shares, shares)


class TestSanitationRosters:
    def test_each_units_rows_make_its_application_and_roster(self, tree, staff, operators):
        a, b = operators
        content = xlsx(worker(a, 0), worker(b, 1), worker(a, 2), header=SANITATION_HEADER)
        with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
            outcome = run("sanitation_roster", staff["street"], content, name="送保障.xlsx")
        assert outcome.errors == [] and outcome.saved and outcome.created == 3
        first, second = Application.objects.order_by("pk")
        assert first.organisation == a and first.facts["insured_workers"] == 2
        # Each roster entry keeps the worker's row number in the uploaded file.
        assert list(RosterEntry.objects.filter(application=first).values_list("row_number", "id_number")) == [
            (2, IDS[0]),
            (4, IDS[2]),
        ]
        assert second.organisation == b and RosterEntry.objects.filter(application=second).count() == 1
        assert first.attachments.get().original_name == f"送保障（{a.name}）.xlsx"
        assert first.history.first().history_change_reason == "从文件“送保障.xlsx”第2行导入"

    def test_bad_rows_each_with_its_column_and_nothing_saved(self, tree, staff, operators):
        a, b = operators
        content = xlsx(
            worker(a, 0),
            worker(a, 0),
            worker(a, 1, insured="否"),
            worker(b, 2),
            worker(b, 3, shares="2"),
            header=SANITATION_HEADER,
        )
        with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
            outcome = run("sanitation_roster", staff["street"], content)
        assert outcome.errors == [
            "第3行“身份证号码”列：" + DUPLICATE_IN_FILE.format(first=2),
            "第4行“正常缴纳社保(是/否)”列：" + NOT_INSURED,
            "第6行“住院补充医疗份数”列：" + SHARES_DIFFER.format(first=5),
            "第6行“团体意外伤害份数”列：" + SHARES_DIFFER.format(first=5),
        ]
        assert not Application.objects.exists() and not RosterEntry.objects.exists()

    def test_a_worker_on_another_units_roster_this_year(self, tree, staff, operators):
        a, b = operators
        with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
            run("sanitation_roster", staff["street"], xlsx(worker(a, 0), header=SANITATION_HEADER))
            outcome = run("sanitation_roster", staff["street"], xlsx(worker(b, 0), header=SANITATION_HEADER))
        assert outcome.errors == ["第2行“身份证号码”列：" + HELD_ELSEWHERE]

    def test_shares_other_than_one_each_are_refused_by_the_rule(self, tree, staff, operators):
        a, _ = operators
        with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
            outcome = run(
                "sanitation_roster", staff["street"], xlsx(worker(a, 0, shares="2"), header=SANITATION_HEADER)
            )
        assert len(outcome.errors) == 1 and "每人1份" in outcome.errors[0] and "第2行" in outcome.errors[0]
        assert not Application.objects.exists()


class TestAdminFlow:
    """django-import-export's views (import/ → the job page → process_import/) on the three admins."""

    @pytest.mark.parametrize(
        ("admin_name", "key", "headers"),
        [
            ("reading_rooms_readingroom", "reading_room_applications", ROOM_HEADER),
            ("legal_legalcheckuprecord", "legal_checkup_candidates", ("单位", "申报年度")),
            ("sanitation_sanitationroster", "sanitation_roster", SANITATION_HEADER),
        ],
    )
    def test_template_has_chinese_headers_and_an_example_row(self, client, tree, staff, admin_name, key, headers):
        client.force_login(staff["street"])
        response = client.get(reverse(f"admin:{admin_name}_import_template", args=[key]))
        assert response.status_code == 200
        from io import BytesIO

        sheet = load_workbook(
            BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
        ).active
        header = [c.value for c in sheet[1]]
        assert tuple(header[: len(headers)]) == headers
        assert all(c.value not in (None, "") for c in sheet[2][:1])
        assert client.get(reverse(f"admin:{admin_name}_changelist")).status_code == 200

    def test_upload_preview_confirm(self, client, tree, staff, october_2019):
        client.force_login(staff["street"])
        upload = SimpleUploadedFile("书屋.xlsx", xlsx(room_row(tree["unit"]), header=ROOM_HEADER))
        response = client.post(
            reverse("admin:reading_rooms_readingroom_import"), {"import_file": upload, "format": "0", "resource": "0"}
        )
        assert response.status_code == 302 and not Application.objects.exists()
        job_page = client.get(response["Location"])
        assert "新增" in job_page.content.decode()
        job_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
        confirmed = client.post(
            reverse("admin:reading_rooms_readingroom_process_import"),
            {"import_file_name": job_id, "original_file_name": "书屋.xlsx", "format": "0", "resource": "0"},
        )
        assert confirmed.status_code == 302
        assert Application.objects.get().organisation == tree["unit"]

    def test_a_member_user_or_other_role_has_no_import(self, client, tree, staff):
        other = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street"], is_staff=False)
        client.force_login(other)
        response = client.get(reverse("admin:reading_rooms_readingroom_import"))
        assert response.status_code in (302, 403)


def test_a_previewed_sanitation_file_leaves_no_stored_roster(tree, staff, operators, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    a, _ = operators
    with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
        checked = run("sanitation_roster", staff["street"], xlsx(worker(a, 0), header=SANITATION_HEADER), dry_run=True)
    assert checked.errors == [] and checked.created == 1
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
