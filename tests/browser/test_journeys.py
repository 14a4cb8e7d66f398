"""End-to-end journeys in a real browser: a member applies and follows the application,
a district reviewer approves it in the admin, the member sees the result."""

import pytest

from members import services as member_services
from members.models import StaffRole
from tests.browser.conftest import shot
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kq7#vLm2-zX"
STAFF_PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture
def people():
    district = DistrictFactory()
    unit = UnitFactory(parent=StreetFactory(parent=district))
    member = MemberFactory(organisation=unit, card_number="3100000123", name="王芳", monthly_income="3000.00")
    member_services.member_account_create(member=member, password=PASSWORD)
    reviewer = StaffUserFactory(username="quzong01", role=StaffRole.DISTRICT, organisation=district)
    StaffUserFactory(username="quzong02", role=StaffRole.DISTRICT, organisation=district)  # 审核 after 受理
    return member, reviewer


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_member_applies_reviewer_approves_member_sees_it(page, live_server, people):
    member, reviewer = people
    base = live_server.url
    sign_in(page, base, "3100000123", PASSWORD)
    page.goto(f"{base}/my/")
    entitlement = page.locator("#entitlement-legal_aid")
    assert "法律援助" in entitlement.inner_text()
    shot(page, "01-entitlements")
    entitlement.get_by_role("link", name="申请").click()
    # Income, card and date come from the member's record; the member picks what the claim is about.
    page.check("input[name=claim_kind][value=wages]")
    page.click("button:has-text('提交申请')")
    page.wait_for_url("**/my/applications/JD2019*/")
    assert "待区总工会受理" in page.inner_text("main")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    shot(page, "02-submitted")

    page.context.clear_cookies()
    sign_in(page, base, "quzong01", STAFF_PASSWORD)
    page.goto(f"{base}/admin/projects/application/?queue=mine")
    page.click(f"text={reference}")
    page.fill("form.review-action textarea[name=comment]", "符合月收入条件")
    with page.expect_navigation():
        page.click("input[value='审核通过']")
    assert page.inner_text(".current-status") == "待区总工会审核"  # accepted (受理); another reviews (审核)

    page.context.clear_cookies()
    sign_in(page, base, "quzong02", STAFF_PASSWORD)
    page.goto(f"{base}/admin/projects/application/?queue=mine")
    page.click(f"text={reference}")
    page.fill("form.review-action textarea[name=comment]", "符合月收入条件")
    with page.expect_navigation():
        page.click("input[value='审核通过']")
    assert page.inner_text(".current-status") == "已批准"
    shot(page, "03-approved-in-admin")

    page.context.clear_cookies()
    sign_in(page, base, "3100000123", PASSWORD)
    page.goto(f"{base}/notifications/")
    assert f"您的申请 {reference} 已通过区总工会审核" in page.inner_text("main")
    page.goto(f"{base}/my/applications/{reference}/")
    assert "已批准" in page.inner_text("main") and "符合月收入条件" in page.inner_text("main")


def test_wrong_password_is_explained_in_chinese(page, live_server, people):
    sign_in(page, live_server.url, "3100000123", "not-it")
    assert "账号或密码不正确" in page.inner_text("main")


def test_the_portal_fits_a_phone_screen(phone, live_server, people):
    base = live_server.url
    sign_in(phone, base, "3100000123", PASSWORD)
    for path in ("/", "/my/", "/calculators/", "/calculators/legal_aid/2019/"):
        phone.goto(f"{base}{path}")
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
    shot(phone, "04-phone-entitlements")
