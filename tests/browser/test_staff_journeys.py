"""Issue 12, staff side, in a real browser (Debian chromium), on a laptop and on a 390-px phone:

- a grassroots reviewer: the index's "待我审核 N" → the queue → the review page → 审核通过;
- district user A prepares a payout batch, district user B confirms it on the batch page (Celery is
  eager in tests: the task pays it in-process);
- the district dashboard: its SVG charts and the numbers behind each.

Every admin page visited must log no console error (the CSP: no inline style, no inline script).
Screenshots go to var/screenshots (tests/browser/conftest.py).
"""

import pytest

from members.models import StaffRole
from projects.models import Application, QuotaPool
from projects.services.transitions import application_transition
from tests.browser.conftest import shot
from tests.factories import DistrictFactory, StaffUserFactory, StreetFactory, UnitFactory
from tests.projects.conftest import _member, submit_promotion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF_PASSWORD = "Str0ng-Passw0rd!"
VIEWPORTS = ["laptop", "phone"]


@pytest.fixture
def office():
    district = DistrictFactory(name="嘉定区总工会")
    street = StreetFactory(parent=district, name="马陆镇总工会")
    unit = UnitFactory(parent=street, name="上海嘉定精密机械有限公司工会")
    users = {
        "grassroots": StaffUserFactory(username="jiceng01", role=StaffRole.GRASSROOTS, organisation=unit),
        **{
            name: StaffUserFactory(username=name, role=StaffRole.DISTRICT, organisation=district)
            for name in ("quzong01", "quzong02", "quzong03", "quzong04")
        },
    }
    return {"unit": unit, "users": users}


def awaiting_grassroots(office):
    return submit_promotion(_member(office["unit"], name="李建国"))


def approved(office):
    application = awaiting_grassroots(office)
    for name in ("grassroots", "quzong03", "quzong04"):
        application_transition(user=office["users"][name], application=application, action="approve")
    return application


@pytest.fixture(params=VIEWPORTS)
def screen(request, browser):
    """A page on a laptop or a phone, collecting every console error and uncaught page error."""
    from tests.browser.conftest import ZH

    if request.param == "phone":
        options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2}
    else:
        options = {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(locale="zh-CN", extra_http_headers=ZH, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: page.errors.append(f"{page.url}: {error}"))
    page.kind = request.param
    yield page
    context.close()


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def visit(page, url):
    page.goto(url)
    assert_clean(page)


def assert_clean(page):
    """No console error so far (CSP violations are console errors), and on a phone nothing wider than the screen."""
    assert page.errors == [], page.errors
    if page.kind == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (page.url, overflow)


def test_a_grassroots_reviewer_goes_from_the_queue_to_the_review_and_approves(screen, live_server, office):
    application = awaiting_grassroots(office)
    base = live_server.url
    sign_in(screen, base, "jiceng01")
    visit(screen, f"{base}/admin/")
    link = screen.locator(".staff-shortcuts a", has_text="待我审核")
    assert link.locator(".queue-count").inner_text() == "1"
    shot(screen, f"staff-{screen.kind}-01-index")
    with screen.expect_navigation():
        link.click()
    assert_clean(screen)
    row = screen.locator("#result_list tbody tr", has_text=application.reference)
    text = row.inner_text()
    assert "李建国" in text and "元" in text and "天" in text
    assert "skill_promotion_award" not in text
    shot(screen, f"staff-{screen.kind}-02-queue")
    with screen.expect_navigation():
        row.get_by_role("link", name=application.reference).click()
    assert_clean(screen)
    assert "审核申请" in screen.inner_text("h1")
    assert "基层工会" in screen.inner_text(".review-chain")
    shot(screen, f"staff-{screen.kind}-03-review")
    screen.fill("#comment-approve", "证书真实，符合条件")
    with screen.expect_navigation():
        screen.click("input[value='审核通过']")
    assert_clean(screen)
    application.refresh_from_db()
    assert application.status not in ("grassroots_review", "returned", "rejected")  # on to the district
    assert screen.inner_text(".current-status") == application.get_status_display()
    shot(screen, f"staff-{screen.kind}-04-approved")
    with screen.expect_navigation():
        screen.click("text=修改记录")
    assert_clean(screen)
    history = screen.inner_text("#change-history")
    assert "待基层工会初审" in history and "grassroots_review" not in history and "None" not in history
    assert "2019-03-20 09:00" in history  # submitted 09:00 Beijing time, shown in Beijing time
    shot(screen, f"staff-{screen.kind}-04b-history")


def test_district_a_prepares_a_batch_and_b_confirms_it_on_the_batch_page(screen, live_server, office):
    application = approved(office)
    base = live_server.url
    sign_in(screen, base, "quzong01")
    visit(screen, f"{base}/admin/payouts/payoutbatch/")
    with screen.expect_navigation():
        screen.click("text=制作给付批次")
    assert_clean(screen)
    assert application.reference in screen.inner_text("#content-main")
    shot(screen, f"staff-{screen.kind}-05-prepare")
    with screen.expect_navigation():
        screen.click("button:has-text('生成给付批次')")
    assert_clean(screen)
    assert "须由另一位区总工会工作人员复核确认" in screen.inner_text("#batch-summary")
    assert screen.locator("button:has-text('复核并确认给付')").count() == 0  # not for the preparer
    batch_url = screen.url
    shot(screen, f"staff-{screen.kind}-06-batch-prepared")

    sign_in(screen, base, "quzong02")
    visit(screen, batch_url)
    shot(screen, f"staff-{screen.kind}-06b-batch-for-the-checker")
    items = screen.inner_text("#payout-payments")
    assert application.reference in items and "李建国" in items and "元" in items
    assert "quzong01" in screen.inner_text("#batch-summary")
    with screen.expect_navigation():
        screen.click("button:has-text('复核并确认给付')")
    assert_clean(screen)
    assert "已处理 1 / 1 笔" in screen.inner_text("#payout-progress")
    assert Application.objects.get(pk=application.pk).status == "paid"
    shot(screen, f"staff-{screen.kind}-07-batch-paid")


def test_the_district_dashboard_draws_its_figures_with_the_numbers_a_click_away(screen, live_server, office):
    approved(office)
    awaiting_grassroots(office)
    QuotaPool.objects.create(
        key="browser-sanatorium", project="sanatorium", policy_year=2021, label="职工疗休养", capacity=50, taken=38
    )
    QuotaPool.objects.create(
        key="browser-expo", project="flower_expo", policy_year=2021, label="看花博", capacity=20, taken=20
    )
    base = live_server.url
    sign_in(screen, base, "quzong01")
    visit(screen, f"{base}/admin/dashboard/")
    assert screen.locator(".chart svg").count() >= 5
    assert "38 / 50" in screen.locator("#chart-quotas svg.wide").text_content()
    chart = screen.locator("#chart-projects-over-time")
    assert not chart.locator("table").is_visible()
    chart.locator("summary").click()
    assert chart.locator("table").is_visible()
    assert "2019-03" in chart.locator("table").inner_text()
    assert_clean(screen)
    shot(screen, f"staff-{screen.kind}-08-dashboard")
