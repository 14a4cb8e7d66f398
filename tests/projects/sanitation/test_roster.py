"""Sanitation workers' insurance (2019 §15): the unit applies with its roster; every row must be a
valid, distinct worker paying social insurance and the count must match the declared number."""

import io
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jiading_union import spreadsheets
from members.identity import ID_NUMBER_CHECKSUM
from members.models import StaffRole
from projects.models import Application, ApplicationStatus, Attachment
from projects.sanitation import roster, services
from projects.sanitation.models import RosterEntry
from projects.services.attachments import MASKED_SUFFIX, AttachmentUpload
from projects.services.errors import ApplicationError
from projects.services.submission import application_resubmit, application_submit
from projects.services.transitions import application_transition
from tests.factories import StaffUserFactory, UnitFactory, make_id_number
from tests.files import shared_strings_bomb

IDS = [make_id_number(date(1975, 3, 1), n) for n in range(1, 8)]
HEADER = ("姓名", "身份证号码", "正常缴纳社保(是/否)")


def xlsx(*rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def good_rows(count=3):
    return [(f"职工{i}", IDS[i], "是") for i in range(count)]


def parse(content: bytes) -> roster.ParsedRoster:
    return roster.parse_roster(io.BytesIO(content))


def bad_checksum(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


class TestParse:
    def test_a_good_roster(self):
        parsed = parse(xlsx(*good_rows(), ("职工x", IDS[5].lower()[:17] + IDS[5][17].lower(), "是")))
        assert parsed.errors == []
        assert [(r.row_number, r.name) for r in parsed.rows] == [(2, "职工0"), (3, "职工1"), (4, "职工2"), (5, "职工x")]
        assert parsed.rows[-1].id_number == IDS[5].upper()

    def test_each_bad_row_is_named_by_row_and_column(self):
        parsed = parse(
            xlsx(
                ("张三", bad_checksum(IDS[0]), "是"),
                ("", IDS[1], "是"),
                ("王五", IDS[2], "否"),
                ("赵六", IDS[3], ""),
                ("孙七", IDS[3], "是"),
                ("周八", IDS[4], "有"),
                ("吴九", "", "是"),
            )
        )
        assert parsed.errors == [
            f"第2行“身份证号码”列：{ID_NUMBER_CHECKSUM}",
            "第3行“姓名”列：未填写。",
            roster.ROW_NOT_INSURED.format(row=4, column="正常缴纳社保(是/否)"),
            "第5行“正常缴纳社保(是/否)”列：未填写。",
            "第6行“身份证号码”列：与第5行重复。",
            "第7行“正常缴纳社保(是/否)”列：请填写“是”或“否”。",
            "第8行“身份证号码”列：未填写。",
        ]
        assert parsed.row_count == 7 and parsed.rows == []

    def test_no_id_number_ever_appears_in_a_message(self):
        parsed = parse(xlsx(("张三", bad_checksum(IDS[0]), "是"), ("李四", IDS[0], "是"), ("李四", IDS[0], "是")))
        assert not any(IDS[0][:17] in e for e in parsed.errors)

    def test_an_id_typed_as_a_number_gets_a_hint(self):
        parsed = parse(xlsx(("张三", float(IDS[0][:17] + "0"), "是")))
        assert roster.ROW_ID_AS_NUMBER in parsed.errors[0]

    def test_blank_rows_are_skipped_and_an_empty_roster_is_refused(self):
        assert parse(xlsx(*good_rows(1), (None, None, None), *[(f"职工{i}", IDS[i], "是") for i in (2,)])).errors == []
        assert parse(xlsx()).errors == [roster.ROSTER_EMPTY]

    def test_missing_columns_and_unreadable_files(self):
        parsed = parse(xlsx(("张三", IDS[0]), header=("姓名", "身份证")))
        assert parsed.errors == [
            roster.ROSTER_COLUMN_MISSING.format(column="身份证号码"),
            roster.ROSTER_COLUMN_MISSING.format(column="正常缴纳社保(是/否)"),
        ]
        assert parse(b"PK\x03\x04 not really a workbook").errors == [roster.ROSTER_UNREADABLE]

    def test_malformed_xml_inside_the_zip_is_unreadable_not_a_server_error(self):
        source, out = zipfile.ZipFile(io.BytesIO(xlsx(*good_rows()))), io.BytesIO()
        with zipfile.ZipFile(out, "w") as broken:
            for item in source.infolist():
                data = source.read(item)
                broken.writestr(item, data[:50] if item.filename == "xl/workbook.xml" else data)
        assert parse(out.getvalue()).errors == [roster.ROSTER_UNREADABLE]

    def test_full_width_brackets_in_the_header_are_accepted(self):
        assert parse(xlsx(*good_rows(1), header=("姓名", "身份证号码", "正常缴纳社保（是/否）"))).errors == []

    def test_the_template_round_trips(self):
        content = roster.roster_template()
        assert parse(content).errors == [roster.ROSTER_EMPTY]
        workbook = load_workbook(io.BytesIO(content))
        sheet = workbook[roster.SHEET_TITLE]
        for row in good_rows(2):
            sheet.append(list(row))
        out = io.BytesIO()
        workbook.save(out)
        assert len(parse(out.getvalue()).rows) == 2


# --- Submission ----------------------------------------------------------------------------

FACTS = {"insured_workers": 3, "all_paying_social_insurance": True, "is_sanitation_operator": True}


@pytest.fixture
def operator(tree):
    unit = UnitFactory(parent=tree["street"], is_sanitation_operator=True)
    return unit, StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=unit)


@pytest.fixture
def in_2019():
    with time_machine.travel("2019-07-01 09:00 +0800", tick=False):
        yield


def upload(content: bytes, name="名册.xlsx"):
    return AttachmentUpload("roster", SimpleUploadedFile(name, content))


def apply(user, unit, content, **facts):
    return application_submit(
        user=user,
        rule_id="sanitation_worker_insurance",
        policy_year=2019,
        facts={**FACTS, **facts},
        organisation=unit,
        uploads=[upload(content)],
    )


@pytest.mark.django_db
class TestSubmit:
    def test_a_good_roster_is_stored_and_the_application_routed(self, operator, in_2019):
        unit, user = operator
        application = apply(user, unit, xlsx(*good_rows()))
        assert application.status == ApplicationStatus.STREET_REVIEW
        entries = list(RosterEntry.objects.filter(application=application))
        assert [(e.row_number, e.name, e.id_number) for e in entries] == [
            (2, "职工0", IDS[0]),
            (3, "职工1", IDS[1]),
            (4, "职工2", IDS[2]),
        ]
        assert str(entries[0]) == f"职工0（{IDS[0][:6]}********{IDS[0][-4:]}）"
        assert application.amount == 3 * 75

    def test_bad_rows_refuse_the_submission_and_save_nothing(self, operator, in_2019):
        unit, user = operator
        with pytest.raises(ApplicationError) as excinfo:
            apply(user, unit, xlsx(*good_rows(2), ("王五", IDS[2], "否")))
        assert excinfo.value.message.startswith("参保名册有1处问题：第4行“正常缴纳社保(是/否)”列为“否”")
        assert excinfo.value.field == "attachments"
        assert not Application.objects.exists() and not RosterEntry.objects.exists()

    def test_the_count_must_match_the_declared_number(self, operator, in_2019):
        unit, user = operator
        with pytest.raises(ApplicationError, match=services.COUNT_MISMATCH.format(rows=2, declared=3)):
            apply(user, unit, xlsx(*good_rows(2)))

    def test_a_worker_already_on_another_units_roster_this_year(self, tree, operator, in_2019):
        unit, user = operator
        apply(user, unit, xlsx(*good_rows()))
        other = UnitFactory(parent=tree["other_street"], is_sanitation_operator=True)
        other_user = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=other)
        with pytest.raises(ApplicationError, match="第3行“身份证号码”列：该职工已在本年度其他单位"):
            apply(other_user, other, xlsx(("甲", IDS[5], "是"), ("乙", IDS[1], "是"), ("丙", IDS[6], "是")))
        first = Application.objects.get()
        application_transition(user=user, application=first, action="withdraw")
        assert apply(other_user, other, xlsx(("甲", IDS[5], "是"), ("乙", IDS[1], "是"), ("丙", IDS[6], "是")))

    def test_the_operator_flag_comes_from_the_organisation_record(self, tree, in_2019):
        unit = UnitFactory(parent=tree["street"], is_sanitation_operator=False)
        user = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=unit)
        with pytest.raises(ApplicationError, match="须为本区环卫作业企业"):
            apply(user, unit, xlsx(*good_rows()), is_sanitation_operator=True)

    def test_a_pdf_is_not_a_roster(self, operator, in_2019):
        unit, user = operator
        with pytest.raises(ApplicationError, match=services.ROSTER_NOT_XLSX):
            application_submit(
                user=user,
                rule_id="sanitation_worker_insurance",
                policy_year=2019,
                facts=FACTS,
                organisation=unit,
                uploads=[
                    AttachmentUpload(
                        "roster", SimpleUploadedFile("名册.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
                    )
                ],
            )

    def test_a_corrected_roster_replaces_the_entries_on_resubmission(self, operator, staff, in_2019):
        unit, user = operator
        application = apply(user, unit, xlsx(*good_rows()))
        application_transition(user=staff["street"], application=application, action="return", comment="少报一人")
        application_resubmit(
            user=user,
            application=application,
            facts={**FACTS, "insured_workers": 4},
            uploads=[upload(xlsx(*good_rows(4)))],
        )
        application.refresh_from_db()
        assert application.status == ApplicationStatus.STREET_REVIEW
        assert RosterEntry.objects.filter(application=application).count() == 4


# --- Pages -------------------------------------------------------------------------------


def test_the_roster_template_download(client):
    response = client.get(reverse("sanitation:roster_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]
    assert reverse("sanitation:roster_template") == "/p/sanitation/roster-template.xlsx"
    assert parse(response.content).errors == [roster.ROSTER_EMPTY]


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def application(self, operator, in_2019):
        unit, user = operator
        return apply(user, unit, xlsx(*good_rows()))

    def url(self, application):
        return reverse("admin:sanitation_sanitationroster_change", args=[application.pk])

    @pytest.mark.parametrize("role", ["street", "district"])
    def test_reviewers_see_the_entries_with_masked_ids_only(self, client, staff, application, role):
        client.force_login(staff[role])
        page = client.get(self.url(application)).content.decode()
        assert "职工0" in page and f"{IDS[0][:6]}********{IDS[0][-4:]}" in page
        assert not any(number in page for number in IDS)
        listing = client.get(reverse("admin:sanitation_sanitationroster_changelist")).content.decode()
        assert application.reference in listing

    def test_the_unit_sees_its_own_roster_and_its_history(self, client, operator, application):
        client.force_login(operator[1])
        assert client.get(self.url(application)).status_code == 200
        history = reverse("admin:sanitation_sanitationroster_history", args=[application.pk])
        assert client.get(history).status_code == 200

    def test_other_scopes_get_a_404(self, client, staff, application):
        for role in ("other_street", "other_grassroots"):
            client.force_login(staff[role])
            assert client.get(self.url(application)).status_code == 404
            assert (
                client.get(reverse("admin:sanitation_sanitationroster_history", args=[application.pk])).status_code
                == 404
            )

    def test_entries_cannot_be_changed_in_the_admin(self, client, staff, application):
        client.force_login(staff["district"])
        client.post(self.url(application), {"roster_entries-TOTAL_FORMS": "0", "roster_entries-INITIAL_FORMS": "3"})
        assert RosterEntry.objects.filter(application=application).count() == 3

    def test_other_projects_are_not_rosters(self, client, staff, member):
        with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
            legal = application_submit(
                user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
            )
        client.force_login(staff["district"])
        assert client.get(self.url(legal)).status_code == 404


@pytest.mark.django_db
class TestPortal:
    def url(self):
        return reverse("projects:apply", args=["sanitation_worker_insurance", 2019])

    def test_the_unit_applies_through_the_portal_with_its_roster(self, client, operator, in_2019):
        unit, user = operator
        client.force_login(user)
        assert client.get(self.url()).status_code == 200
        response = client.post(
            self.url(),
            {
                "insured_workers": 3,
                "all_paying_social_insurance": "true",
                "proof_roster": SimpleUploadedFile("名册.xlsx", xlsx(*good_rows())),
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        application = Application.objects.get()
        assert application.roster_entries.count() == 3

    def test_a_spreadsheet_bomb_is_refused_before_it_is_expanded_and_nothing_is_saved(
        self, client, operator, settings, in_2019
    ):
        """A valid roster plus an unused shared-strings table unpacking to 400 times its size."""
        unit, user = operator
        client.force_login(user)
        bomb = shared_strings_bomb(xlsx(*good_rows()), 8 * 1024 * 1024)
        response = client.post(
            self.url(),
            {
                "insured_workers": 3,
                "all_paying_social_insurance": "true",
                "proof_roster": SimpleUploadedFile("名册.xlsx", bomb),
            },
        )
        assert response.status_code == 200
        assert spreadsheets.RATIO_TOO_HIGH.format(name="名册.xlsx", limit=100) in response.content.decode()
        assert not Application.objects.exists() and not Attachment.objects.exists()
        assert not RosterEntry.objects.exists()
        media = settings.MEDIA_ROOT / "attachments"
        assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))

    def test_the_spreadsheet_row_limit_applies_to_rosters(self, client, operator, settings, in_2019):
        settings.XLSX_MAX_ROWS = 3  # the header and two workers
        unit, user = operator
        client.force_login(user)
        response = client.post(
            self.url(),
            {
                "insured_workers": 3,
                "all_paying_social_insurance": "true",
                "proof_roster": SimpleUploadedFile("名册.xlsx", xlsx(*good_rows())),
            },
        )
        assert spreadsheets.TOO_MANY_ROWS.format(name="名册.xlsx", limit="3") in response.content.decode()
        assert not Application.objects.exists() and not RosterEntry.objects.exists()

    def test_a_bad_row_is_shown_on_the_form(self, client, operator, in_2019):
        unit, user = operator
        client.force_login(user)
        response = client.post(
            self.url(),
            {
                "insured_workers": 3,
                "all_paying_social_insurance": "true",
                "proof_roster": SimpleUploadedFile(
                    "名册.xlsx", xlsx(*good_rows(2), ("王五", bad_checksum(IDS[2]), "是"))
                ),
            },
        )
        assert response.status_code == 200
        assert "第4行“身份证号码”列" in response.content.decode()
        assert not Application.objects.exists()


@pytest.mark.django_db
class TestDownload:
    """Only district staff see full ID numbers (as in the admin): everyone else downloads the
    roster regenerated with each ID number masked."""

    @pytest.fixture
    def attachment(self, operator, in_2019):
        unit, user = operator
        apply(user, unit, xlsx(*good_rows()))
        return Attachment.objects.get()

    def download(self, client, user, attachment):
        client.force_login(user)
        response = client.get(reverse("projects:attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
        return response, b"".join(response.streaming_content) if response.streaming else response.content

    def cells(self, content: bytes) -> list[str]:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return [str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row]

    @pytest.mark.parametrize("who", ["street", "the unit itself"])
    def test_street_and_unit_staff_get_the_id_numbers_masked(self, client, staff, operator, attachment, who):
        user = operator[1] if who == "the unit itself" else staff["street"]
        response, content = self.download(client, user, attachment)
        values = self.cells(content)
        assert not any(number in value for number in IDS for value in values)
        assert [v for v in values if "*" in v] == [f"{n[:6]}********{n[-4:]}" for n in IDS[:3]]
        assert {"职工0", "职工2", HEADER[1]} <= set(values)
        assert quote(f"名册{MASKED_SUFFIX}.xlsx") in response["Content-Disposition"]

    def test_district_staff_get_the_original_file(self, client, staff, attachment):
        _, content = self.download(client, staff["district"], attachment)
        with attachment.file.open("rb") as stored:
            assert content == stored.read()
        assert IDS[0] in self.cells(content)

    def test_a_roster_that_cannot_be_masked_is_not_sent_at_all(self, client, staff, attachment, settings):
        settings.XLSX_MAX_ROWS = 2  # e.g. limits lowered after the upload
        client.force_login(staff["street"])
        response = client.get(reverse("projects:attachment", args=[attachment.pk]))
        assert response.status_code == 403
        assert not any(number.encode() in response.content for number in IDS)
