"""The admin index: "待我审核 N" from one COUNT, and no inline style (CSP: style-src 'self')."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import StaffRole
from tests.factories import DistrictFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_grassroots_index_shows_its_queue_count_without_inline_style(client):
    unit = UnitFactory(parent=StreetFactory(parent=DistrictFactory()))
    user = StaffUserFactory(username="jiceng01", role=StaffRole.GRASSROOTS, organisation=unit)
    client.force_login(user)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="queue-count">0</span>' in html
    assert "style=" not in html
    assert "admin_theme/staff.css" in html
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    # Cached for half a minute. (The account's statement names the applications too, in the portal
    # member's columns, which a staff account without a member record never runs.)
    assert not [q for q in queries if "projects_application" in q["sql"] and "pm.is_active" not in q["sql"]]


def test_app_index_has_no_inline_style(client):
    user = StaffUserFactory(username="quzong09", role=StaffRole.DISTRICT, organisation=DistrictFactory())
    client.force_login(user)
    response = client.get("/admin/projects/")
    assert response.status_code == 200
    assert "style=" not in response.content.decode()
