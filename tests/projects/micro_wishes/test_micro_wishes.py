"""“微心愿” (2021): approval publishes the wish; street/district staff record the claim and
the fulfilment through explicit moves; the member follows it on their own page only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from members.models import Member
from projects.micro_wishes import services
from projects.micro_wishes.models import MicroWish
from projects.models import Notification
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.projects.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
WISH = {"in_service": "true", "channel": "personal", "category": "item"}


def make_hardship(member, certifier):
    Member.objects.filter(pk=member.pk).update(hardship_certified_by=certifier, hardship_certified_on=date(2021, 1, 5))
    member.refresh_from_db()
    return member


def submit_wish(member, **facts):
    return application_submit(
        user=member.user, rule_id="micro_wish", policy_year=2021, facts={**WISH, **facts}, member=member
    )


@pytest.fixture(autouse=True)
def in_2021():
    with time_machine.travel("2021-06-01 10:00 +0800", tick=False):
        yield


@pytest.fixture
def wish(member, staff, tree):
    make_hardship(member, tree["street"])
    application = submit_wish(member)
    application_transition(user=staff["street"], application=application, action="approve")
    application_transition(user=staff["district"], application=application, action="approve")
    return MicroWish.objects.get(application=application)


@pytest.fixture
def described(wish, member):
    return services.micro_wish_describe(user=member.user, wish=wish, description="给孩子买一个书包")


class TestPublishing:
    def test_the_districts_approval_publishes_an_open_wish(self, wish):
        assert (wish.status, wish.category, wish.description) == ("open", "item", "")

    def test_no_wish_until_the_district_approves(self, member, staff, tree):
        make_hardship(member, tree["street"])
        application = submit_wish(member)
        application_transition(user=staff["street"], application=application, action="approve")
        assert not MicroWish.objects.exists()

    def test_members_not_certified_wait_for_the_street_and_are_refused_if_it_does_not_certify(self, member, staff):
        from projects.services.review_facts import application_supply_facts
        from projects.services.transitions import DECIDED_INELIGIBLE

        application = submit_wish(member, is_special_vulnerable="true")  # the member cannot certify themselves
        assert application.facts["is_special_vulnerable"] is None
        assert application.decision["outcome"] == "pending_review"
        application_supply_facts(
            user=staff["street"], application=application, facts={"is_special_vulnerable": "false"}
        )
        application.refresh_from_db()
        assert application.decision["outcome"] == "ineligible"
        with pytest.raises(ApplicationError, match=DECIDED_INELIGIBLE):
            application_transition(user=staff["street"], application=application, action="approve")


class TestMoves:
    def test_claim_needs_a_described_wish_and_a_donor(self, wish, staff):
        with pytest.raises(ApplicationError) as excinfo:
            services.micro_wish_claim(user=staff["street"], wish=wish, donor="嘉定爱心企业")
        assert excinfo.value.message == services.NOT_DESCRIBED
        services.micro_wish_describe(user=staff["street"], wish=wish, description="一台电风扇")
        with pytest.raises(ValidationError) as excinfo:
            services.micro_wish_claim(user=staff["street"], wish=wish, donor="  ")
        assert excinfo.value.message_dict == {"claimed_by": [services.DONOR_REQUIRED]}

    def test_claim_then_fulfil_tells_the_member(self, described, staff, member):
        wish = services.micro_wish_claim(user=staff["street"], wish=described, donor="嘉定爱心企业")
        assert (wish.status, wish.claimed_by) == ("claimed", "嘉定爱心企业")
        wish = services.micro_wish_fulfil(user=staff["district"], wish=wish, fulfilled_on=date(2021, 6, 1))
        assert wish.status == "fulfilled" and wish.fulfilled_on == date(2021, 6, 1)
        titles = list(
            Notification.objects.filter(recipient=member.user, application=wish.application).values_list(
                "title", flat=True
            )
        )
        assert "您的微心愿已被“嘉定爱心企业”认领。" in titles and "您的微心愿已实现。" in titles
        assert [h.status for h in wish.history.order_by("history_date")] == ["open", "open", "claimed", "fulfilled"]

    def test_only_the_allowed_moves(self, described, staff):
        with pytest.raises(ApplicationError) as excinfo:
            services.micro_wish_fulfil(user=staff["street"], wish=described, fulfilled_on=date(2021, 6, 1))
        assert excinfo.value.message == services.MOVE_NOT_ALLOWED.format(status="待认领", action="确认实现")
        services.micro_wish_claim(user=staff["street"], wish=described, donor="A公司")
        with pytest.raises(ApplicationError, match="不能认领"):
            services.micro_wish_claim(user=staff["street"], wish=described, donor="B公司")
        services.micro_wish_fulfil(user=staff["street"], wish=described, fulfilled_on=date(2021, 6, 1))
        for move in (
            lambda: services.micro_wish_release(user=staff["street"], wish=described, reason="x"),
            lambda: services.micro_wish_claim(user=staff["street"], wish=described, donor="C公司"),
        ):
            with pytest.raises(ApplicationError, match="已实现"):
                move()

    def test_release_reopens_and_keeps_who_and_why(self, described, staff):
        services.micro_wish_claim(user=staff["street"], wish=described, donor="A公司")
        with pytest.raises(ValidationError):
            services.micro_wish_release(user=staff["street"], wish=described, reason="")
        wish = services.micro_wish_release(user=staff["street"], wish=described, reason="企业联系不上")
        assert (wish.status, wish.claimed_by, wish.claimed_at) == ("open", "", None)
        assert "A公司" in wish.note and "企业联系不上" in wish.note

    def test_fulfilment_date_between_claim_and_today(self, described, staff):
        with time_machine.travel("2021-05-20 10:00 +0800", tick=False):
            services.micro_wish_claim(user=staff["street"], wish=described, donor="A公司")
        with pytest.raises(ValidationError) as excinfo:
            services.micro_wish_fulfil(user=staff["street"], wish=described, fulfilled_on=date(2021, 5, 19))
        assert excinfo.value.message_dict == {
            "fulfilled_on": [services.FULFILLED_BEFORE_CLAIM.format(date="2021-05-20")]
        }
        with pytest.raises(ValidationError) as excinfo:
            services.micro_wish_fulfil(user=staff["street"], wish=described, fulfilled_on=date(2021, 6, 2))
        assert excinfo.value.message_dict == {"fulfilled_on": [services.FULFILLED_IN_FUTURE]}
        assert (
            services.micro_wish_fulfil(user=staff["street"], wish=described, fulfilled_on=date(2021, 5, 20)).status
            == "fulfilled"
        )

    def test_a_claim_cannot_be_dated_in_the_future(self, described, staff):
        with pytest.raises(ValidationError):
            services.micro_wish_claim(
                user=staff["street"],
                wish=described,
                donor="A公司",
                claimed_at=datetime(2021, 6, 2, 9, 0, tzinfo=SHANGHAI),
            )

    @pytest.mark.parametrize("who, message", [("grassroots", services.NOT_STAFF), ("other_street", services.NOT_YOURS)])
    def test_who_may_record_moves(self, described, staff, who, message):
        with pytest.raises(ApplicationError) as excinfo:
            services.micro_wish_claim(user=staff[who], wish=described, donor="A公司")
        assert excinfo.value.message == message

    def test_database_keeps_each_status_with_its_facts(self, wish):
        with pytest.raises(IntegrityError):
            MicroWish.objects.filter(pk=wish.pk).update(status="claimed")


class TestMemberPage:
    def test_the_member_sees_and_describes_their_wish(self, client, wish, member):
        assert client.login(username=member.card_number, password=PASSWORD)
        response = client.get("/p/micro-wishes/my/")
        assert response.status_code == 200 and "待认领" in response.content.decode()
        response = client.post(reverse("micro_wishes:describe", args=[wish.pk]), {"description": "一台电风扇"})
        assert response.status_code == 302
        wish.refresh_from_db()
        assert wish.description == "一台电风扇"
        assert "一台电风扇" in client.get(reverse("micro_wishes:my")).content.decode()

    def test_another_member_neither_sees_nor_edits_it(self, client, wish, other_member):
        assert client.login(username=other_member.card_number, password=PASSWORD)
        assert "待认领" not in client.get(reverse("micro_wishes:my")).content.decode()
        response = client.post(reverse("micro_wishes:describe", args=[wish.pk]), {"description": "改掉"})
        assert response.status_code == 404
        wish.refresh_from_db()
        assert wish.description == ""

    def test_the_description_is_locked_once_claimed(self, described, staff, member):
        services.micro_wish_claim(user=staff["street"], wish=described, donor="A公司")
        with pytest.raises(ApplicationError) as excinfo:
            services.micro_wish_describe(user=member.user, wish=described, description="换一个")
        assert excinfo.value.message == services.DESCRIPTION_LOCKED

    def test_the_status_follows_the_application_before_publishing(self, client, member, tree):
        make_hardship(member, tree["street"])
        submit_wish(member)
        assert client.login(username=member.card_number, password=PASSWORD)
        assert "待街镇工会审核" in client.get(reverse("micro_wishes:my")).content.decode()

    def test_no_public_page_and_login_required(self, client, described):
        assert client.get("/p/micro-wishes/").status_code == 404
        response = client.get(reverse("micro_wishes:my"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_staff_are_refused_on_the_member_page(self, client, staff):
        client.force_login(staff["street"])
        assert client.get(reverse("micro_wishes:my")).status_code == 403


class TestAdmin:
    @pytest.mark.parametrize(
        "who, status", [("grassroots", 403), ("street", 200), ("other_street", 404), ("district", 200)]
    )
    def test_scope(self, client, described, staff, who, status):
        client.force_login(staff[who])
        assert client.get(reverse("admin:micro_wishes_microwish_change", args=[described.pk])).status_code == status

    def test_grassroots_staff_have_no_access(self, client, described, staff):
        client.force_login(staff["grassroots"])
        assert client.get(reverse("admin:micro_wishes_microwish_changelist")).status_code == 403

    def test_claim_action_with_its_form(self, client, described, staff):
        client.force_login(staff["street"])
        url = reverse("admin:micro_wishes_microwish_changelist")
        form = client.post(url, {"action": "claim_selected", "_selected_action": [described.pk]})
        assert form.status_code == 200 and "认领单位" in form.content.decode()
        done = client.post(
            url, {"action": "claim_selected", "_selected_action": [described.pk], "apply": "1", "donor": "嘉定爱心企业"}
        )
        assert done.status_code == 302
        described.refresh_from_db()
        assert described.status == "claimed" and described.history.first().history_user == staff["street"]

    def test_status_is_not_a_form_field(self, client, described, staff):
        client.force_login(staff["district"])
        url = reverse("admin:micro_wishes_microwish_change", args=[described.pk])
        response = client.post(url, {"description": "一台电风扇", "note": "已电话核实", "status": "fulfilled"})
        assert response.status_code == 302
        described.refresh_from_db()
        assert (described.status, described.description, described.note) == ("open", "一台电风扇", "已电话核实")


@pytest.mark.parametrize("who", ["street", "district"])
def test_changelist_renders(client, described, staff, who):
    client.force_login(staff[who])
    response = client.get(reverse("admin:micro_wishes_microwish_changelist"))
    assert response.status_code == 200 and described.application.reference in response.content.decode()
