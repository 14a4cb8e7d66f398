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
