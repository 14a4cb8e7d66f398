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
