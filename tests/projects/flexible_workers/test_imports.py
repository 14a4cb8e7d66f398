"""The real-name registration import: the registration service row by row, all or nothing, the
same preview as the roster import (jiading_union/imports.py), scope through every path."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from jiading_union import imports as engine
from members.roles import group_for
from projects.flexible_workers import imports as registrations
from projects.flexible_workers.models import RealNameRegistration
from projects.flexible_workers.registration import NOT_FULL_DUES
from tests.factories import DuesRecordFactory
from tests.projects.flexible_workers.conftest import flexible_member

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in registrations.real_name_registration.columns]


def xlsx(rows):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(member, **overrides):
    values = {
        registrations.NAME: member.name,
        registrations.ID: member.id_number,
        registrations.PHONE: member.phone,
        registrations.UNION: member.organisation.name,
        registrations.INDUSTRY: "快递物流",
        registrations.UPLOADED: "2019-05-20",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def paid(street):
    member = flexible_member(street)
    DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, 1), paid_in_one_go=True)
    return member


@pytest.fixture(autouse=True)
def may_2019():
    with time_machine.travel("2019-05-20 10:00 +0800", tick=False):
        yield


def cell(n, column, message):
    return engine.ROW_ERROR.format(row=n, column=column, message=message)


def run(user, data):
    return engine.execute(registrations.real_name_registration, user=user, file=data, name="实名登记.xlsx")


def test_registers_every_row_through_the_service(tree, staff):
    one, two = paid(tree["street"]), paid(tree["street"])
    outcome = run(staff["street"], xlsx([row(one), row(two)]))
    assert outcome.saved and outcome.created == 2
    registration = RealNameRegistration.objects.get(member=one)
    assert registration.coverage.status == "approved"
    assert registration.coverage.decision["dates"]["coverage_start"] == "2019-06-01"
    assert registration.history.latest().history_change_reason == "从文件“实名登记.xlsx”第2行导入"


def test_one_bad_row_and_nothing_is_registered(tree, staff):
    good = paid(tree["street"])
    unpaid = flexible_member(tree["street"], paid_in_one_go=False)
    outcome = run(
        staff["street"],
        xlsx([row(good), row(unpaid), row(good), row(good, **{registrations.NAME: "别人"})]),
    )
    assert not outcome.saved and not RealNameRegistration.objects.exists()
    assert outcome.errors == [
        cell(3, registrations.ID, NOT_FULL_DUES.format(name=unpaid.name)),
        cell(4, registrations.ID, registrations.DUPLICATE_IN_FILE.format(first=2)),
        cell(5, registrations.ID, registrations.DUPLICATE_IN_FILE.format(first=2)),
    ]


def test_fields_must_agree_with_the_record(tree, staff):
    member = paid(tree["street"])
    outcome = run(
        staff["street"],
        xlsx([row(member, **{registrations.NAME: "别人", registrations.INDUSTRY: "网约送餐"})]),
    )
    assert outcome.errors == [
        cell(2, registrations.NAME, registrations.NAME_DIFFERS.format(name=member.name)),
        cell(2, registrations.INDUSTRY, registrations.INDUSTRY_DIFFERS.format(industry="快递物流")),
    ]


def test_another_streets_member_is_unknown_in_every_path(client, tree, staff):
    theirs = paid(tree["other_street"])
    outcome = run(staff["street"], xlsx([row(theirs)]))
    assert outcome.errors == [cell(2, registrations.ID, registrations.NOT_A_MEMBER)]
    staff["street"].groups.set([group_for("street")])
    client.force_login(staff["street"])
    upload = io.BytesIO(xlsx([row(theirs)]))
    upload.name = "实名登记.xlsx"
    url = reverse("admin:flexible_workers_realnameregistration_import")
    job = client.post(url, {"import_file": upload})["Location"]
    assert registrations.NOT_A_MEMBER in client.get(job).content.decode()
    client.post(job)
    assert not RealNameRegistration.objects.exists()


def test_the_admin_flow(client, tree, staff):
    member = paid(tree["street"])
    staff["street"].groups.set([group_for("street")])
    client.force_login(staff["street"])
    changelist = client.get(reverse("admin:flexible_workers_realnameregistration_changelist")).content.decode()
    assert "导入灵活就业会员实名登记" in changelist
    upload = io.BytesIO(xlsx([row(member)]))
    upload.name = "实名登记.xlsx"
    url = reverse("admin:flexible_workers_realnameregistration_import")
    job = client.post(url, {"import_file": upload})["Location"]
    assert "新增 1 条" in client.get(job).content.decode()
    client.post(job)
    assert RealNameRegistration.objects.get().member == member


def test_the_registrations_export_reads_in_words(client, tree, staff):
    member = paid(tree["street"])
    run(staff["street"], xlsx([row(member)]))
    staff["street"].groups.set([group_for("street")])
    client.force_login(staff["street"])
    response = client.post(reverse("admin:flexible_workers_realnameregistration_export"))
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "会员服务卡号", "身份证号码")
    registration = RealNameRegistration.objects.get()
    assert rows[1][0] == member.name and rows[1][2].count("*") == 8
    assert rows[1][6] == registration.coverage.reference and rows[1][7] == staff["street"].username
