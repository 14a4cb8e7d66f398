"""Issue 13 in a real browser: district user A opens 2027 from the demo year and changes the patent
award; district user B publishes it from today; the member's calculator shows the new amount with
"与上年相比". And a district user editing one cell of a policy table is told which cell is wrong."""

import pytest
from django.utils import timezone

from members import services as member_services
from members.models import StaffRole
from projects.demo import DEMO_YEAR_NOTE, seed_policy_year
from tests.browser.conftest import shot
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kq7#vLm2-zX"
STAFF_PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture
def people():
    from subsidies.rules import registry

    district = DistrictFactory()
    unit = UnitFactory(parent=StreetFactory(parent=district))
    member = MemberFactory(organisation=unit, card_number="3100000456", name="李强", monthly_income="5000.00")
    member_services.member_account_create(member=member, password=PASSWORD)
    maker = StaffUserFactory(username="quzong11", role=StaffRole.DISTRICT, organisation=district)
    checker = StaffUserFactory(username="quzong12", role=StaffRole.DISTRICT, organisation=district)
    today = timezone.localdate()
    seed_policy_year(opener=maker, publisher=checker, today=today)  # the demo year, as `make run` seeds it
    registry.refresh()
    yield member, maker, checker, today
    registry.refresh()


def sign_in(page, base, username, password):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_district_opens_2027_a_colleague_publishes_the_member_sees_it(page, phone, live_server, people):
    member, maker, checker, today = people
    base = live_server.url
    demo = today.year

    # The member sees the demo year labelled as a demonstration.
    page.goto(f"{base}/projects/skill_awards/")
    assert DEMO_YEAR_NOTE in page.inner_text("main")

    # District user A opens 2027 from the demo year.
    sign_in(page, base, "quzong11", STAFF_PASSWORD)
    page.goto(f"{base}/admin/subsidies/policyoverride/years/")
    page.select_option("select[name=source_year]", str(demo))
    page.fill("input[name=year]", "2027")
    page.fill("input[name=note]", "")
    with page.expect_navigation():
        page.click("input[value='开设年度']")
    assert "2027 年度政策" in page.inner_text("#content")
    assert "须由另一位区总工会工作人员发布" in page.inner_text("#content")
    shot(page, "policy-year-01-opened")

    # …and changes the patent award in the validated editor (the document's value beside it).
    page.goto(f"{base}/admin/subsidies/policyoverride/year/2027/param/patent_award_amount/")
    assert "2,000.00 元" in page.inner_text("#content")
    page.fill("input[name=value]", "3000")
    page.fill("input[name=reason]", "2027年嘉定区总工会服务职工实事项目")
    with page.expect_navigation():
        page.click("input[value='保存']")
    assert "已保存 专利奖励金额" in page.inner_text("body")
    shot(page, "policy-year-02-edited")

    # …names the year's own document and cites it for the award (a draft's clause is editable).
    page.goto(f"{base}/admin/subsidies/policyoverride/years/2027/manage/")
    page.fill("input[name=document_title]", "《2027年嘉定区总工会服务职工实事项目》")
    with page.expect_navigation():
        page.click("input[value='保存政策文件']")
    page.goto(f"{base}/admin/subsidies/policyoverride/year/2027/clause/patent_award_amount/")
    page.select_option("select[name=document]", "《2027年嘉定区总工会服务职工实事项目》")
    page.fill("input[name=section]", "三、职工技能提升 2")
    page.fill("textarea[name=quote]", "获得发明专利的职工，每项奖励三千元")
    page.fill("input[name=reason]", "2027年嘉定区总工会服务职工实事项目")
    shot(page, "policy-year-02b-clause")
    with page.expect_navigation():
        page.click("input[value='保存']")
    assert "已保存 专利奖励金额 的条款" in page.inner_text("body")

    # District user B sees who edited it and publishes it from today.
    sign_in(page, base, "quzong12", STAFF_PASSWORD)
    page.goto(f"{base}/admin/subsidies/policyoverride/years/2027/manage/")
    content = page.inner_text("#content")
    assert "quzong11" in content or str(maker) in content
    page.fill("input[name=effective_from]", today.isoformat())
    shot(page, "policy-year-03-before-publish")
    with page.expect_navigation():
        page.click("input[value='发布本年度']")
    assert "已发布 2027 年度政策" in page.inner_text("body")

    page.goto(f"{base}/admin/subsidies/policyoverride/years/compare/?year_a={demo}&year_b=2027")
    compare = page.inner_text("#content")
    assert "专利奖励金额" in compare and "2,000.00 元" in compare and "3,000.00 元" in compare
    assert "《2027年嘉定区总工会服务职工实事项目》 三、职工技能提升 2" in compare  # the new clause beside the old
    shot(page, "policy-year-04-compare")

    # The member's calculator uses 2027 and says what changed.
    for viewer, name in ((page, "laptop"), (phone, "phone")):
        viewer.context.clear_cookies()
        sign_in(viewer, base, "3100000456", PASSWORD)
        viewer.goto(f"{base}/calculators/patent_award/2027/")
        text = viewer.inner_text("main")
        assert "2027年度政策" in text and "3,000" in text and "与上年相比" in text, text[:800]
        assert "专利奖励金额" in text and "patent_award_amount" not in text
        shot(viewer, f"policy-year-05-calculator-{name}")


def test_a_bad_table_cell_is_named(page, phone, live_server, people):
    member, maker, checker, today = people
    base = live_server.url
    for viewer, name in ((page, "laptop"), (phone, "phone")):
        sign_in(viewer, base, "quzong11", STAFF_PASSWORD)
        viewer.goto(f"{base}/admin/subsidies/policyoverride/year/2019/table/skill_promotion_amounts/")
        viewer.fill("input[name='form-1-amount']", "一千二")
        viewer.fill("input[name=reason]", "试一试")
        with viewer.expect_navigation():
            viewer.click("input[value='保存']")
        text = viewer.inner_text("#content")
        assert "第2行“" in text and "请填写金额" in text, text[:800]
        shot(viewer, f"policy-year-06-bad-cell-{name}")


def test_the_grid_editor_scrolls_inside_its_box_on_a_phone(phone, live_server, people):
    """A wide policy table (the 2021 member-card plans, eight columns) is edited on a 390-px phone:
    the grid scrolls sideways inside its own box and the page itself never does."""
    base = live_server.url
    sign_in(phone, base, "quzong11", STAFF_PASSWORD)
    phone.goto(f"{base}/admin/subsidies/policyoverride/year/2021/table/member_card_plan_benefits/")
    assert phone.locator(".policy-grid-wrap table.policy-grid").count() == 1
    widths = phone.evaluate(
        "() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,"
        " grid: document.querySelector('.policy-grid').scrollWidth,"
        " box: document.querySelector('.policy-grid-wrap').clientWidth})"
    )
    assert widths["page"] <= 390, widths  # no sideways scroll of the page
    assert widths["view"] == 390, widths  # nor a layout viewport widened to fit it
    assert widths["grid"] > widths["box"], widths  # the grid is wider than its box, and scrolls in it
    shot(phone, "policy-year-07-grid-phone")
