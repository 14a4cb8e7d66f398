"""Counselling (2019 §10): a booking opens a confidential record only counsellors see — not the
member's unions, not district staff, not a superuser without the grant; lecture requests go
street → district and the district schedules them."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.models import StaffRole, User
from projects.counselling.models import CounsellingRecord, LectureSchedule
from projects.counselling.procedures import CONFIDENTIAL_RULES
from projects.counselling.selectors import counsellors, may_view_confidential
from projects.counselling.services import (
    ALREADY_SCHEDULED,
    BOOKING_CANCELLED,
    COUNSELLOR_NOT_AUTHORISED,
    DATE_PASSED,
    NOT_APPROVED,
    NOT_COUNSELLOR,
    NOT_SCHEDULER,
    counselling_record_update,
    lecture_schedule_create,
)
from projects.models import Notification
from projects.services.errors import ApplicationError
from projects.services.offerings import offering_create
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = "心理咨询师"


@pytest.fixture(autouse=True)
def in_june_2019():
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        yield


@pytest.fixture
def slot(tree, staff):
    return offering_create(
        user=staff["district"],
        rule_id="counselling_appointment",
        policy_year=2019,
        title="个案咨询（周一上午）",
        starts_at=datetime(2019, 6, 10, 9, tzinfo=SHANGHAI),
        capacity=3,
        organiser=tree["district"],
        location="嘉定工会职工心理咨询室",
    )


def book(member, slot, **facts):
    return application_submit(
        user=member.user,
        rule_id="counselling_appointment",
        policy_year=2019,
        facts={"in_service": True, "channel": "wechat", **facts},
        member=member,
        offering=slot,
    )


@pytest.fixture
def counsellor(db):
    user = StaffUserFactory(role=StaffRole.MEMBER, organisation=None, username="counsellor")
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="Str0ng-Passw0rd!", email="")


@pytest.fixture
def record(member, slot):
    return book(member, slot).counselling_record


class TestBooking:
    def test_a_booking_opens_a_confidential_record(self, member, slot):
        application = book(member, slot)
        assert application.status == "approved"  # a booking: no review chain
        assert CounsellingRecord.objects.get().application == application
        assert "counselling_appointment" in CONFIDENTIAL_RULES

    def test_the_unit_being_in_the_district_comes_from_the_record(self, member, slot):
        application = book(member, slot, unit_in_district=False)
        assert application.facts["unit_in_district"] is True


class TestWhoMaySee:
    def test_the_group_created_by_the_migration_holds_the_grant(self):
        group = Group.objects.get(name=GROUP)
        assert set(group.permissions.values_list("codename", flat=True)) >= {
            "view_confidential",
            "view_counsellingrecord",
            "change_counsellingrecord",
        }

    def test_only_explicit_grants_count(self, staff, counsellor, superuser):
        assert may_view_confidential(counsellor)
        for user in (staff["grassroots"], staff["street"], staff["district"], superuser):
            assert not may_view_confidential(user)
        direct = User.objects.get(pk=staff["district2"].pk)
        direct.user_permissions.add(Permission.objects.get(codename="view_confidential"))
        assert may_view_confidential(direct)
        assert set(counsellors()) == {counsellor, direct}

    def test_a_superuser_sees_records_once_granted(self, superuser):
        superuser.groups.add(Group.objects.get(name=GROUP))
        assert may_view_confidential(User.objects.get(pk=superuser.pk))

    @pytest.mark.parametrize("who", ["grassroots", "street", "district"])
    def test_staff_get_nothing_in_the_admin(self, client, staff, record, who):
        client.force_login(staff[who])
        assert client.get(reverse("admin:counselling_counsellingrecord_changelist")).status_code == 403
        for page in ("change", "history"):
            url = reverse(f"admin:counselling_counsellingrecord_{page}", args=[record.pk])
            assert client.get(url).status_code == 404
        assert "个案心理咨询记录" not in client.get(reverse("admin:index")).text

    def test_an_ungranted_superuser_gets_nothing_either(self, client, superuser, record):
        client.force_login(superuser)
        assert client.get(reverse("admin:counselling_counsellingrecord_changelist")).status_code == 403
        assert client.get(reverse("admin:counselling_counsellingrecord_change", args=[record.pk])).status_code == 404
        assert "个案心理咨询记录" not in client.get(reverse("admin:index")).text

    def test_a_counsellor_sees_the_booking_and_how_to_reach_the_member(self, client, counsellor, member, record):
        client.force_login(counsellor)
        response = client.get(reverse("admin:counselling_counsellingrecord_changelist"))
        assert response.status_code == 200 and member.name in response.text and member.phone in response.text
        response = client.get(reverse("admin:counselling_counsellingrecord_change", args=[record.pk]))
        assert response.status_code == 200 and "2019-06-10 09:00 嘉定工会职工心理咨询室" in response.text
        assert client.get(reverse("admin:counselling_counsellingrecord_add")).status_code == 403


class TestRecords:
    def test_the_counsellor_writes_notes_and_a_follow_up(self, client, counsellor, record):
        client.force_login(counsellor)
        response = client.post(
            reverse("admin:counselling_counsellingrecord_change", args=[record.pk]),
            {"counsellor": counsellor.pk, "notes": "首次咨询，情绪平稳。", "follow_up_on": "2019-06-24"},
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert (record.counsellor, record.notes, record.follow_up_on) == (
            counsellor,
            "首次咨询，情绪平稳。",
            date(2019, 6, 24),
        )
        assert record.history.count() == 2

    def test_a_follow_up_is_not_before_the_offering(self, counsellor, record):
        with pytest.raises(ApplicationError) as excinfo:
            counselling_record_update(
                user=counsellor, record=record, counsellor=counsellor, notes="", follow_up_on=date(2019, 6, 9)
            )
        assert excinfo.value.message == "回访日期不能早于咨询日期（2019-06-10）。"
        assert excinfo.value.field == "follow_up_on"

    def test_no_one_else_writes_and_only_counsellors_are_assigned(self, staff, superuser, counsellor, record):
        for user in (staff["district"], superuser):
            with pytest.raises(ApplicationError, match=NOT_COUNSELLOR):
                counselling_record_update(user=user, record=record, counsellor=None, notes="x", follow_up_on=None)
        with pytest.raises(ApplicationError, match=COUNSELLOR_NOT_AUTHORISED):
            counselling_record_update(
                user=counsellor, record=record, counsellor=staff["district"], notes="", follow_up_on=None
            )

    def test_a_cancelled_booking_takes_no_notes(self, member, counsellor, record):
        application_transition(user=member.user, application=record.application, action="cancel")
        with pytest.raises(ApplicationError, match=BOOKING_CANCELLED):
            counselling_record_update(
                user=counsellor, record=record, counsellor=counsellor, notes="x", follow_up_on=None
            )


LECTURE = {"course_form_completed": True, "applied_to_upper_union": True}


def request_lecture(unit_staff, unit):
    return application_submit(
        user=unit_staff, rule_id="counselling_lecture", policy_year=2019, facts=LECTURE, organisation=unit
    )


@pytest.fixture
def approved_lecture(tree, staff):
    application = request_lecture(staff["grassroots"], tree["unit"])
    assert application.status == "street_review"
    application_transition(user=staff["street"], application=application, action="approve")
    application_transition(user=staff["district"], application=application, action="approve")
    application.refresh_from_db()
    assert application.status == "approved"
    return application


def schedule(user, application, on=date(2019, 6, 20)):
    return lecture_schedule_create(
        user=user,
        application=application,
        lecture_date=on,
        start_time=time(14, 0),
        end_time=time(15, 30),
        venue="单位多功能厅",
        topic="职场压力与情绪管理",
        lecturer="区精神卫生中心张医生",
    )


class TestLectures:
    def test_the_district_schedules_an_approved_request_and_the_unit_is_told(self, staff, approved_lecture):
        lecture = schedule(staff["district"], approved_lecture)
        assert lecture.scheduled_by == staff["district"]
        note = Notification.objects.filter(recipient=staff["grassroots"]).order_by("-pk").first()
        assert note.title == "您单位申请的心理健康讲座已安排：2019-06-20 14:00 单位多功能厅"

    def test_only_the_district_schedules(self, staff, approved_lecture):
        for who in ("grassroots", "street"):
            with pytest.raises(ApplicationError, match=NOT_SCHEDULER):
                schedule(staff[who], approved_lecture)

    def test_only_approved_requests_once_and_not_in_the_past(self, tree, staff, approved_lecture):
        pending = request_lecture(staff["other_grassroots"], tree["other_unit"])
        with pytest.raises(ApplicationError, match=NOT_APPROVED):
            schedule(staff["district"], pending)
        with pytest.raises(ApplicationError, match=DATE_PASSED):
            schedule(staff["district"], approved_lecture, on=date(2019, 5, 31))
        schedule(staff["district"], approved_lecture)
        with pytest.raises(ApplicationError, match=ALREADY_SCHEDULED):
            schedule(staff["district"], approved_lecture)

    @pytest.mark.parametrize(
        "who, sees",
        [
            ("grassroots", True),
            ("other_grassroots", False),
            ("street", True),
            ("other_street", False),
            ("district", True),
        ],
    )
    def test_schedules_are_scoped_to_the_requesting_unit(self, client, staff, approved_lecture, who, sees):
        lecture = schedule(staff["district"], approved_lecture)
        client.force_login(staff[who])
        url = reverse("admin:counselling_lectureschedule_change", args=[lecture.pk])
        assert client.get(url).status_code == (200 if sees else 404)

    def test_district_schedules_in_the_admin(self, client, staff, approved_lecture):
        client.force_login(staff["district"])
        data = {
            "application": approved_lecture.pk,
            "date": "2019-06-21",
            "start_time": "14:00",
            "end_time": "",
            "venue": "单位会议室",
            "topic": "睡眠与健康",
            "lecturer": "李老师",
        }
        response = client.post(reverse("admin:counselling_lectureschedule_add"), {**data, "date": "2019-05-01"})
        assert response.context["adminform"].form.errors["date"] == [DATE_PASSED]
        response = client.post(reverse("admin:counselling_lectureschedule_add"), data)
        assert response.status_code == 302
        assert LectureSchedule.objects.get().application == approved_lecture
        client.force_login(staff["street"])
        assert client.get(reverse("admin:counselling_lectureschedule_add")).status_code == 403


class TestPage:
    def test_anyone_sees_the_open_slots_and_no_one_who_booked(self, client, member, slot):
        book(member, slot)
        response = client.get(reverse("counselling:home"))
        assert response.status_code == 200
        assert "个案咨询（周一上午）" in response.text and "严格保密" in response.text
        assert member.name not in response.text
        assert "<td>2</td>" in response.text  # places left

    def test_a_member_sees_their_units_lectures(self, client, member, staff, approved_lecture):
        schedule(staff["district"], approved_lecture)
        client.force_login(member.user)
        response = client.get(reverse("counselling:home"))
        assert "职场压力与情绪管理" in response.text and "单位多功能厅" in response.text


@pytest.mark.parametrize("who", ["grassroots", "street", "district"])
def test_the_lecture_pages_open(client, staff, approved_lecture, who):
    schedule(staff["district"], approved_lecture)
    client.force_login(staff[who])
    assert client.get(reverse("admin:counselling_lectureschedule_changelist")).status_code == 200
    if who == "district":
        response = client.get(reverse("admin:counselling_lectureschedule_add"))
        assert response.status_code == 200
