"""The public plans page: every year's tables as the policy data has them, with their clauses."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import StaffRole
from projects.sanatorium.selectors import plan_years
from projects.services.offerings import offering_create
from subsidies import services as policy_services
from tests.factories import DistrictFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
URL = "/p/sanatorium/plans/"


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, *cells: str) -> bool:
    """A table row holding these cells in this order."""
    pattern = r"<tr>\s*" + r"\s*".join(rf'<td data-label="[^"]*">{re.escape(c)}</td>' for c in cells)
    return re.search(pattern, html) is not None


def test_url():
    assert reverse("sanatorium:plans") == URL


def test_anonymous_members_see_2019_plans_with_each_payers_part(client):
    html = page(client)
    # 市总 plan A: 510 per person, 170 subsidy, 340 the member's part.
    assert row(html, "A", "沙家浜休养院", "二天一夜", "510", "170", "340")
    assert row(html, "J12", "浙江省总工会疗养院(不带体检)", "三天二夜", "1136", "379", "757")
    # Check-up D: price, city subsidy, sanatorium subsidy, paid by the member.
    assert row(html, "D", "660", "220", "220", "220") and row(html, "A", "450", "150", "—", "300")
    assert "§6 2019年团体疗休养计划汇总表(市总)" in html and "§6 体检计划汇总表(2019年)" in html


def test_the_reconstructed_resort_room_table_and_how_it_was_read(client):
    html = page(client)
    assert row(html, "沙家浜休养院", "景观标间", "4—12月", "240", "80", "160")
    assert row(html, "黄山休养院", "标间（黄山）", "1—12月", "225", "75", "150")
    assert "房价表印刷错乱" in html


def test_2021_sites_checkup_booking_and_what_the_document_does_not_say(client):
    html = page(client)
    assert row(html, "D", "上海市工人疗养院", "市总对全区开放名额，先到先得", "仅1—2月")
    assert row(html, "L1", "市工疗流动体检车", "直通预约（仅申请市总工会补贴），额满为止", "额满为止")
    assert "浙江宁波半边山工人疗养院" in html and "个人休养度假地点（持卡会员）" in html
    assert "6000" in html and "2021年2月28日" in html
    assert "2021年文件未载明疗休养价格和补贴" in html and "未载明差额由谁负担" in html


def test_years_newest_first_with_every_table_of_the_rules():
    years = plan_years()
    assert [y.year for y in years] == [2021, 2019]
    assert [t.name for t in years[1].tables] == [
        "sanatorium_city_plans",
        "sanatorium_district_plans",
        "sanatorium_resort_rooms",
        "sanatorium_checkup_plans_2019",
    ]
    assert [t.name for t in years[0].tables] == [
        "sanatorium_checkup_prices",  # 沿用2019年标准
        "sanatorium_city_sites",
        "sanatorium_district_sites",
        "sanatorium_individual_sites",
        "sanatorium_checkup_plans_2021",
    ]
    assert all(t.clause.section for y in years for t in y.tables)


def test_district_edits_show_on_the_page(client):
    district = StaffUserFactory(role=StaffRole.DISTRICT, organisation=DistrictFactory())
    policy_services.policy_override_set(
        user=district,
        year=2021,
        kind="param",
        name="sanatorium_checkup_def_district_places",
        value="7000",
        reason="市总追加名额",
    )
    assert "7000" in page(client)


def test_open_departures_with_their_places(client):
    district = StaffUserFactory(role=StaffRole.DISTRICT, organisation=DistrictFactory())
    offering_create(
        user=district,
        rule_id="sanatorium_plan",
        policy_year=2019,
        title="扬州三天二夜第一批",
        starts_at=timezone.now() + timedelta(days=10),
        capacity=40,
        organiser=district.organisation,
        location="江苏扬州工人疗养院",
        facts={"plan": "J2"},
    )
    html = page(client)
    assert "扬州三天二夜第一批" in html and "40/40" in html


def test_a_fixed_number_of_queries(client):
    with CaptureQueriesContext(connection) as queries:
        page(client)
    assert len(queries) <= 6
