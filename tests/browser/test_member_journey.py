"""A member's whole journey in a real browser, on a 390-px phone and on a laptop: 我可以申请的 →
apply with a proof → 我的申请 → the application page; reviewers approve and a district payout batch
pays it (through the services), and the member reads 已给付 with the amount. Screenshots at each
step (var/screenshots/member-<device>-NN-*.png); on the phone no page scrolls sideways and the
buttons are big enough to tap."""

import re

import pytest
import time_machine

from members import services as member_services
from members.models import StaffRole
from projects import workflow
from projects.models import Application, ApplicationStatus
from tests.browser.conftest import SCREENSHOTS, ZH
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kq7#vLm2-zX"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}
ILLNESS_RADIOS = {
    "twelve_illnesses": "true",
    "hospitalised": "true",
    "in_city_mutual_aid_plan": "true",
    "first_diagnosis": "false",
    "hospital_level": "other_province_tertiary",
    "no_card_coverage_objective_reason": "true",
}
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.fixture
def journey_world():
    district = DistrictFactory()
    street = StreetFactory(parent=district)
    unit = UnitFactory(parent=street)
    member = MemberFactory(organisation=unit, card_number="3100000456", name="李娜", monthly_income="4200.00")
    member_services.member_account_create(member=member, password=PASSWORD)
    staff = [
        StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=unit),
        StaffUserFactory(role=StaffRole.STREET, organisation=street),
        *(StaffUserFactory(role=StaffRole.DISTRICT, organisation=district) for _ in range(3)),
    ]
    return member, staff


@pytest.fixture(params=list(DEVICES))
def device(request, browser):
    context = browser.new_context(locale="zh-CN", extra_http_headers=ZH, **DEVICES[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


class Journey:
    def __init__(self, name, page, base):
        self.name, self.page, self.base, self.step = name, page, base, 0

    def shot(self, label):
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"member-{self.name}-{self.step:02d}-{label}.png"), full_page=True)

    def check_fits(self, where):
        """Nothing scrolls sideways, no code on screen, and (on the phone) every button can be tapped."""
        page = self.page
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (where, overflow)
        text = page.inner_text("main")
        assert not RAW.findall(text), (where, RAW.findall(text))
        if self.name == "phone":
            small = page.evaluate(
                """() => [...document.querySelectorAll('main a.button, main button, main .actions a')]
                    .filter(e => e.offsetParent !== null)
                    .map(e => [e.innerText.trim(), e.getBoundingClientRect().height])
                    .filter(([, h]) => h < 40)"""
            )
            assert not small, (where, small)


def reviewer_for(application, staff):
    return next(user for user in staff if workflow.may_review(user, application))


def approve_all(application, staff):
    from projects.services.transitions import application_transition

    while application.status in workflow.REVIEW_STATUSES:
        application = application_transition(
            user=reviewer_for(application, staff), application=application, action="approve", comment="材料齐全"
        )
        application = Application.objects.get(pk=application.pk)
    return application


def test_member_applies_follows_and_sees_it_paid(device, live_server, journey_world):
    from payouts.services import payout_batch_confirm, payout_batch_prepare

    name, page = device
    member, staff = journey_world
    base = live_server.url
    journey = Journey(name, page, base)
    with time_machine.travel("2019-06-03 10:00 +0800", tick=True):
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", member.card_number)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")

        page.goto(f"{base}/my/")
        card = page.locator("#entitlement-district_condolence_payment")
        assert "需上传：医疗证明" in card.inner_text()
        assert "由单位申请" in page.inner_text("main")
        journey.check_fits("entitlements")
        journey.shot("entitlements")

        card.get_by_role("link", name="申请").click()
        page.wait_for_url("**/apply/district_condolence_payment/2019/")
        page.fill("input[name=diagnosis_date]", "2019-05-20")
        for field, value in ILLNESS_RADIOS.items():
            page.check(f"input[name={field}][value={value}]")
        page.set_input_files(
            "input[name=proof_medical]", {"name": "诊断证明.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        journey.check_fits("apply")
        journey.shot("apply-filled")
        page.click("button:has-text('提交申请')")
        page.wait_for_url("**/my/applications/JD2019*/")
        reference = page.url.rstrip("/").rsplit("/", 1)[-1]
        main = page.inner_text("main")
        assert "区总大病慰问金" in main and "2019年度政策" in main and "2,000.00 元" in main
        assert "等待" in main and "诊断证明.pdf" in main
        journey.check_fits("submitted")
        journey.shot("submitted")

        page.goto(f"{base}/my/applications/")
        assert reference in page.inner_text("main")
        journey.check_fits("my-applications")
        journey.shot("my-applications")
        page.click(f"text={reference}")
        page.wait_for_url(f"**/my/applications/{reference}/")

        application = approve_all(Application.objects.get(reference=reference), staff)
        assert application.status == ApplicationStatus.APPROVED
        page.reload()
        assert "已批准，等待区总工会给付" in page.inner_text("main")
        journey.shot("approved")

        district = [user for user in staff if user.role == StaffRole.DISTRICT]
        batch = payout_batch_prepare(user=district[0], applications=[application])
        payout_batch_confirm(user=district[1], batch=batch)  # the payout task runs on commit (eager)
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.PAID

        page.reload()
        main = page.inner_text("main")
        assert "已给付" in main and "已给付 2,000.00 元" in main
        journey.check_fits("paid")
        journey.shot("paid")

        page.goto(f"{base}/my/applications/")
        row = page.locator("tr", has_text=reference)
        assert "已给付" in row.inner_text() and "2,000.00 元" in row.inner_text()
        journey.check_fits("my-applications-paid")
        journey.shot("my-applications-paid")
