"""What the portal caches per policy version (issue 12): an override shows on the next request."""

import pytest
from django.urls import reverse

from members.models import StaffRole
from projects import selectors
from subsidies import services
from tests.factories import DistrictFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_an_override_changes_the_cached_project_page_on_the_next_request(client):
    url = reverse("projects:project", args=["skill_awards"])
    before = selectors.policy_stamp()
    assert "一次性奖励2500元" not in client.get(url).content.decode()
    services.policy_override_set(
        user=StaffUserFactory(role=StaffRole.DISTRICT, organisation=DistrictFactory()),
        year=2019,
        kind="param",
        name="patent_award_amount",
        value="2500",
        reason="补充通知",
    )
    assert selectors.policy_stamp() != before
    assert "一次性奖励2500元" in client.get(url).content.decode()


def test_the_calculator_index_lists_every_rule_once(client):
    def table():
        html = client.get(reverse("projects:calculators")).content.decode()
        return html[html.index("<table>") : html.index("</table>")]

    first = table()
    assert first.count("/calculators/") >= 10
    assert table() == first  # the second answer comes from the cached fragment


def test_a_published_year_shows_on_the_cached_project_page_at_once(client):
    """Publishing changes no override: the cached fragments vary on the published years too."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    import time_machine

    district = DistrictFactory()
    maker = StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)
    checker = StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)
    url = reverse("projects:project", args=["skill_awards"])
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        services.policy_year_open(user=maker, year=2027, source_year=2021, also_from=(2019,))
        services.policy_year_edit(
            user=maker, year=2027, kind="param", name="patent_award_amount", value="3500", reason="2027年文件"
        )
        assert "一次性奖励3500元" not in client.get(url).content.decode()  # a draft; the page is cached
        services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 3, 1))
        assert "一次性奖励3500元" in client.get(url).content.decode()
