"""Issue 12, staff side: the district dashboard draws its figures server-side as SVG (no script, no
style attribute: the CSP holds), each chart with its numbers one click away, at a fixed query count."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import procedures
from projects.models import QuotaPool
from projects.services.transitions import application_transition
from tests.projects.conftest import _member, submit_promotion
from tests.projects.test_admin import legal_aid

DASHBOARD = reverse("admin_dashboard")


def _world(tree, staff, n=1):
    for _ in range(n):
        application = submit_promotion(_member(tree["unit"]))
        for who in ("grassroots", "district", "district2"):  # approved: amounts per payer
            application_transition(user=staff[who], application=application, action="approve")
        legal_aid(_member(tree["far_unit"]))


def test_every_chart_is_an_svg_with_its_numbers_in_a_details_table(client, tree, staff):
    _world(tree, staff)
    QuotaPool.objects.create(
        key="t-sanatorium", project="sanatorium", policy_year=2021, label="疗休养", capacity=50, taken=50
    )
    client.force_login(staff["district"])
    html = client.get(DASHBOARD).content.decode()
    for key in ("projects-over-time", "streets-over-time", "amounts", "quotas", "overdue"):
        section = re.search(rf'<section class="chart module" id="chart-{key}">.*?</section>', html, re.S).group(0)
        assert "<svg" in section and "<details>" in section and "<table>" in section, key
    assert "2019-03" in html  # the promotion's month, Beijing time
    assert 'class="bar-over"' in html and "100%" in html  # a full quota is marked, its numbers in the table
    assert "技能人才奖励" in html or "职工技能" in html or "技能" in html
    assert "style=" not in html and "<script" not in html.split("</header>")[-1]


def test_an_app_item_still_appears_through_dashboard_items(client, staff, monkeypatch):
    monkeypatch.setattr(procedures, "DASHBOARD_ITEMS", [*procedures.DASHBOARD_ITEMS])
    from projects import dashboard

    monkeypatch.setattr(
        dashboard, "DASHBOARD_ITEMS", [*dashboard.DASHBOARD_ITEMS, lambda user, today: ("份测试事项", 7, "/admin/")]
    )
    client.force_login(staff["district"])
    html = client.get(DASHBOARD).content.decode()
    assert "<strong>7</strong>份测试事项" in html


def test_the_dashboard_costs_the_same_queries_with_more_applications(client, tree, staff):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    _world(tree, staff)
    client.force_login(staff["district"])
    count()
    one = count()
    _world(tree, staff, n=4)
    assert count() == one


def test_the_longest_waits_are_counted_in_days_as_the_queue_counts_them(client, tree, staff):
    from datetime import timedelta

    from django.utils import timezone

    application = legal_aid(_member(tree["unit"]))
    type(application).objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timedelta(days=800, hours=3)
    )
    client.force_login(staff["district"])
    html = client.get(DASHBOARD).content.decode()
    row = re.search(rf"<tr><td><a [^>]*>{application.reference}</a>.*?</tr>", html, re.S).group(0)
    assert "800 天" in row and "年" not in row and "月" not in row
