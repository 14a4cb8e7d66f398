"""Issue 12, staff side: a payout batch is read and decided on its own page — who prepared it and who
may confirm it, its buttons, totals per payer, its items in words — never from a bulk dropdown."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payouts.services import payout_batch_prepare
from tests.payouts.test_batches import approved_award


@pytest.fixture
def batch(tree, staff):
    return payout_batch_prepare(user=staff["district"], applications=[approved_award(tree, staff) for _ in range(2)])


def page(client, user, batch):
    client.force_login(user)
    return client.get(reverse("admin:payouts_payoutbatch_change", args=[batch.pk])).content.decode()


def test_the_checker_reads_the_items_and_the_totals_and_sees_the_buttons(client, staff, batch):
    html = page(client, staff["district2"], batch)
    application = batch.payments.select_related("application__applicant_member").first().application
    assert application.reference in html and application.applicant_member.name in html
    assert "技能" in html  # the benefit's title, not its rule id
    items = re.search(r'<div class="module" id="payout-payments">.*?</table>', html, re.S).group(0)
    assert "skill_promotion_award" not in items and "member_card" not in items  # the route in words too
    assert "划入会员服务卡" in items
    assert "按出资方合计" in html and "2,000.00 元" in html
    assert "制单人" in html and staff["district"].username in html
    assert staff["district2"].username in html  # named among who may confirm
    assert 'form="payout-confirm"' in html and 'form="payout-cancel"' in html


def test_the_preparer_is_told_someone_else_confirms_and_gets_no_confirm_button(client, staff, batch):
    html = page(client, staff["district"], batch)
    assert 'form="payout-confirm"' not in html
    assert "须由另一位区总工会工作人员复核确认" in html


def test_the_changelist_has_no_confirm_or_cancel_actions(client, staff, batch):
    client.force_login(staff["district2"])
    url = reverse("admin:payouts_payoutbatch_changelist")
    html = client.get(url).content.decode()
    assert "confirm_selected" not in html and "cancel_selected" not in html
    for action in ("confirm_selected", "cancel_selected"):
        client.post(url, {"action": action, "_selected_action": [batch.pk]})
        batch.refresh_from_db()
        assert batch.status == "prepared"


def test_the_batch_page_costs_the_same_queries_for_a_small_or_a_larger_batch(client, tree, staff):
    def count(b):
        client.force_login(staff["district2"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:payouts_payoutbatch_change", args=[b.pk])).status_code == 200
        return len(queries)

    small = payout_batch_prepare(user=staff["district"], applications=[approved_award(tree, staff)])
    count(small)
    one = count(small)
    larger = payout_batch_prepare(user=staff["district"], applications=[approved_award(tree, staff) for _ in range(5)])
    assert count(larger) == one
