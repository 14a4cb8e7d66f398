"""The district report workbook (projects/reports.py): totals are the sums of the records, district only."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import StaffRole
from projects.models import Application
from projects.reports import TOTAL, applications_by_project_and_street, district_report
from tests.factories import DistrictFactory, StaffUserFactory, UnitFactory

pytestmark = pytest.mark.django_db


def application(unit, status, amount, project="legal"):
    return Application.objects.create(
        project=project,
        rule_id="legal_aid",
        policy_year=2021,
        applicant_organisation=unit,
        organisation=unit,
        street=unit.street,
        status=status,
        amount=Decimal(amount),
    )


def test_totals_equal_the_sums_of_the_records():
    one, two = UnitFactory(), UnitFactory()
    application(one, "approved", "100.50")
    application(one, "paid", "200.00", project="skill_awards")
    application(two, "street_review", "999.00")
    application(two, "draft", "5.00")
    rows = applications_by_project_and_street()
    counted = Application.objects.exclude(status__in=("draft", "withdrawn"))
    assert sum(r.applications for r in rows) == counted.count()
    sheet = load_workbook(io.BytesIO(district_report())).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("服务项目", "街镇", "申请数")
    assert values[-1][0] == TOTAL and values[-1][2] == counted.count()
    assert Decimal(str(values[-1][4])) == Decimal("300.50") == sum((r.granted_amount for r in rows), Decimal("0"))
    assert counted.count() == 3


def test_only_the_district_downloads_it(client):
    district = DistrictFactory()
    client.force_login(StaffUserFactory(role=StaffRole.DISTRICT, organisation=district))
    response = client.get(reverse("admin_district_report"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(StaffUserFactory(role=StaffRole.GRASSROOTS))
    assert client.get(reverse("admin_district_report")).status_code == 403


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def share(app, payer, amount):
    from projects.models import ApplicationShare

    ApplicationShare.objects.create(application=app, payer=payer, amount=Decimal(amount))


def test_every_sheet_totals_the_records_and_splits_by_payer():
    from projects.labels import payer_label
    from projects.models import QuotaPool

    one, two = UnitFactory(), UnitFactory()
    a = application(one, "approved", "100.50")
    share(a, "district", "60.50")
    share(a, "city", "40.00")
    b = application(two, "paid", "200.00", project="skill_awards")
    share(b, "district", "200.00")
    application(two, "street_review", "999.00")
    QuotaPool.objects.create(key="q1", project="legal", policy_year=2021, label="法律体检", capacity=10, taken=4)
    book = sheets(district_report())
    main = book["按项目和街镇"]
    header = main[0]
    assert header[:5] == ("服务项目", "街镇", "申请数", "已批准数", "批准金额（元）")
    total = main[-1]
    assert total[0] == TOTAL and total[2] == 3 and total[3] == 2
    district_col = header.index(f"{payer_label('district')}出资（元）")
    assert Decimal(str(total[district_col])) == Decimal("260.50")
    payers = book["按出资方"]
    assert payers[-1][0] == TOTAL and Decimal(str(payers[-1][2])) == Decimal("300.50")
    assert payers[-1][1] == 3  # shares of granted applications
    quotas = book["名额使用"]
    assert quotas[1][3:6] == (10, 4, 6) and quotas[-1][0] == TOTAL
    assert book["各街镇申请数"][-1] == (TOTAL, 3)
    assert {"给付（按月和出资方）", "逾期事项", "看花博"} <= set(book)


def test_overdue_items_list_late_payouts():
    from datetime import date

    unit = UnitFactory()
    late = application(unit, "approved", "10.00")
    Application.objects.filter(pk=late.pk).update(payout_due=date(2020, 1, 1))
    rows = sheets(district_report(today=date(2020, 1, 11)))["逾期事项"]
    assert rows[1][:2] == ("给付逾期", late.reference) and rows[1][-1] == 10


def test_the_annual_workbook_has_one_sheet_per_project():
    unit = UnitFactory()
    application(unit, "approved", "100.00")
    application(unit, "paid", "50.00", project="skill_awards")
    application(unit, "approved", "70.00", project="skill_awards")
    from projects.reports import annual_report

    book = sheets(annual_report(year=2021))
    assert len(book) == 3  # the summary and the two projects
    summary = book["2021年汇总"]
    assert summary[-1][0] == TOTAL and summary[-1][1] == 3 and Decimal(str(summary[-1][3])) == Decimal("220.00")
    project_sheets = [rows for title, rows in book.items() if title != "2021年汇总"]
    assert sorted(rows[-1][1] for rows in project_sheets) == [1, 2]


def test_the_ledger_sheet_reads_payouts_by_month_and_payer(settings):
    calls = []

    def ledger(*, start, end):
        calls.append((start, end))
        if start.month != 3:
            return []
        return [{"payer": "区总工会", "approved": [1, Decimal("5.00")], "confirmed": [2, Decimal("30.00")]}]

    import sys
    import types

    module = types.ModuleType("fake_ledger")
    module.report = ledger
    sys.modules["fake_ledger"] = module
    settings.DISTRICT_REPORT_LEDGER = "fake_ledger.report"
    rows = sheets(district_report(policy_year=2021))["给付（按月和出资方）"]
    assert len(calls) == 12 and calls[2][0].isoformat() == "2021-03-01" and calls[2][1].isoformat() == "2021-03-31"
    assert rows[1][:4] == ("2021年3月", "区总工会", 1, 5) and rows[-1][0] == TOTAL
