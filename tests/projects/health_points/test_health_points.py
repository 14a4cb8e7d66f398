"""Health service points: street staff keep their street's points and schedule; a patrol or
lecture posted outside the rule's 1–2 week window is refused with the rule's message; the
point is checked against the “四固三定” standard; the public page lists the coming events."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.health_points.models import HealthServicePoint, ServiceEvent
from projects.health_points.selectors import (
    events_notice_overdue,
    events_to_notice,
    notice_window,
    point_standard_check,
)
from projects.health_points.services import (
    NOT_MANAGER,
    NOT_YOUR_STREET,
    NOTICE_IN_FUTURE,
    POINT_INACTIVE,
    health_point_save,
    service_event_create,
    service_event_update,
)
from projects.services.errors import ApplicationError
from subsidies.rules.core import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_may_2021():
    with time_machine.travel("2021-05-15 10:00 +0800", tick=False):
        yield


def make_point(user, street, name="北区职工健康服务点", **extra):
    fields = {
        "address": "叶城路1号",
        "area_kind": "park",
        "area_served": "嘉定工业区北区",
        "community_health_centre": "嘉定工业区社区卫生服务中心",
        "built_on": "worker_service_station",
        "agreement_signed_on": date(2021, 3, 1),
        "gp_team": "王医生团队",
        "manager": "李站长",
        "appointment_phone": "021-59990000",
        "has_private_area": True,
        "has_basic_equipment": True,
        "plaque_installed": True,
        "service_notice_posted": True,
        **extra,
    }
    return health_point_save(user=user, point=HealthServicePoint(street=street, name=name, **fields))


def event(user, point, kind="lecture", on=date(2021, 5, 20), start=time(12, 0), notice=None, **extra):
    topic = extra.pop("topic", "职场健康保健" if kind == "lecture" else "")
    return service_event_create(
        user=user,
        point=point,
        kind=kind,
        event_date=on,
        start_time=start,
        end_time=time(start.hour + 2, 0),
        topic=topic,
        notice_posted_on=notice,
        **extra,
    )


@pytest.fixture
def point(tree, staff):
    return make_point(staff["street"], tree["street"])


class TestPoints:
    def test_street_staff_create_their_points_and_edits_are_audited(self, point, staff):
        point.plaque_installed = False
        health_point_save(user=staff["street"], point=point)
        assert point.history.count() == 2

    def test_another_street_or_grassroots_cannot_create_or_take_over(self, tree, staff, point):
        with pytest.raises(ApplicationError, match=NOT_YOUR_STREET):
            make_point(staff["street"], tree["other_street"], name="外街镇服务点")
        with pytest.raises(ApplicationError, match=NOT_MANAGER):
            make_point(staff["grassroots"], tree["street"], name="基层服务点")
        point.street = tree["other_street"]
        with pytest.raises(ApplicationError, match=NOT_YOUR_STREET):
            health_point_save(user=staff["other_street"], point=point)
        assert HealthServicePoint.objects.get().street == tree["street"]


class TestNoticeWindow:
    """创建标准（四）（五）：巡诊、讲座信息应提前1至2周公示 — the rule's window, both ends inclusive."""

    @pytest.mark.parametrize("posted", [date(2021, 5, 6), date(2021, 5, 13)])
    def test_posted_one_to_two_weeks_ahead_is_accepted(self, point, staff, posted):
        created = event(staff["street"], point, notice=posted)
        assert created.notice_posted_on == posted

    @pytest.mark.parametrize(
        "kind, posted, what, ahead",
        [
            ("lecture", date(2021, 5, 5), "讲座", "提前15天"),
            ("lecture", date(2021, 5, 14), "讲座", "提前6天"),
            ("patrol", date(2021, 5, 14), "巡诊", "提前6天"),
        ],
    )
    def test_posted_outside_the_window_is_refused_with_the_rules_message(self, point, staff, kind, posted, what, ahead):
        with pytest.raises(ApplicationError) as excinfo:
            event(staff["street"], point, kind=kind, notice=posted)
        assert excinfo.value.message == (
            f"{what}信息应提前1至2周（7至14天，即 2021-05-06 至 2021-05-13）公示，实际于 {posted} 公示（{ahead}）"
        )
        assert excinfo.value.field == "notice_posted_on"
        assert not ServiceEvent.objects.exists()

    def test_consultations_need_no_notice(self, point, staff):
        assert event(staff["street"], point, kind="consultation", notice=date(2021, 5, 15)).pk

    def test_a_notice_cannot_be_recorded_before_it_is_posted(self, point, staff):
        with pytest.raises(ApplicationError, match=NOTICE_IN_FUTURE):
            event(staff["street"], point, on=date(2021, 5, 28), notice=date(2021, 5, 16))

    def test_the_window_is_computed_by_the_rule(self, point, staff):
        created = event(staff["street"], point, kind="patrol", on=date(2021, 6, 1))
        window = notice_window(created)
        assert (window.opens, window.closes) == (date(2021, 5, 18), date(2021, 5, 25))
        assert notice_window(event(staff["street"], point, kind="consultation")) is None

    def test_recording_the_notice_later_is_checked_too(self, point, staff):
        created = event(staff["street"], point, kind="patrol", on=date(2021, 5, 25))
        fields = {
            "point": point,
            "kind": "patrol",
            "event_date": created.date,
            "start_time": created.start_time,
            "end_time": created.end_time,
        }
        with pytest.raises(ApplicationError, match="巡诊信息应提前1至2周"):
            service_event_update(user=staff["street"], event=created, notice_posted_on=date(2021, 5, 10), **fields)
        service_event_update(user=staff["street"], event=created, notice_posted_on=date(2021, 5, 14), **fields)
        created.refresh_from_db()
        assert created.notice_posted_on == date(2021, 5, 14)

    def test_due_and_overdue_notices(self, point, staff):
        overdue = event(staff["street"], point, kind="patrol", on=date(2021, 5, 20))  # last day to post was 5-13
        due = event(staff["street"], point, kind="lecture", on=date(2021, 5, 27))  # window 5-13 … 5-20
        event(staff["street"], point, kind="lecture", on=date(2021, 6, 10))  # window not open yet
        event(staff["street"], point, kind="consultation", on=date(2021, 5, 18))
        events = ServiceEvent.objects.all()
        assert set(events_to_notice(events, today=date(2021, 5, 15))) == {overdue, due}
        assert list(events_notice_overdue(events, today=date(2021, 5, 15))) == [overdue]


class TestEvents:
    def test_another_streets_staff_cannot_schedule_at_my_point(self, point, staff):
        with pytest.raises(ApplicationError, match=NOT_YOUR_STREET):
            event(staff["other_street"], point)

    def test_a_closed_point_takes_no_new_events(self, point, staff):
        point.is_active = False
        health_point_save(user=staff["street"], point=point)
        with pytest.raises(ApplicationError, match=POINT_INACTIVE):
            event(staff["street"], point)

    def test_times_and_topics_are_checked(self, point, staff):
        with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
            service_event_create(
                user=staff["street"],
                point=point,
                kind="consultation",
                event_date=date(2021, 5, 20),
                start_time=time(14, 0),
                end_time=time(12, 0),
            )
        with pytest.raises(ValidationError, match="讲座须填写主题"):
            event(staff["street"], point, topic="")
        event(staff["street"], point)
        with pytest.raises(ValidationError, match="该服务点在同一时间已有安排"):
            event(staff["street"], point, kind="consultation")


class TestStandardCheck:
    """四固三定 on 2021-05-15: consultations in the week of 5-10…5-16, patrols in May, lectures in 2021."""

    def schedule(self, user, point, lectures=6):
        for day in (11, 13):
            event(user, point, kind="consultation", on=date(2021, 5, day))
        event(user, point, kind="patrol", on=date(2021, 5, 27))
        for month in range(1, lectures + 1):
            event(user, point, kind="lecture", on=date(2021, 2 * month - 1 if month < 7 else 12, 28))

    def test_a_point_keeping_the_standard_is_eligible(self, point, staff):
        self.schedule(staff["street"], point)
        check = point_standard_check(point, on=date(2021, 5, 15))
        assert check.decision.outcome is Outcome.ELIGIBLE, [r.message for r in check.decision.failed]
        assert (check.consultations_in_week, check.patrols_in_month, check.lectures_in_year) == (2, 1, 6)

    def test_five_lectures_a_year_and_no_appointment_phone_fail_with_reasons(self, tree, staff):
        point = make_point(staff["street"], tree["street"], appointment_phone="")
        self.schedule(staff["street"], point, lectures=5)
        decision = point_standard_check(point, on=date(2021, 5, 15)).decision
        assert decision.outcome is Outcome.INELIGIBLE
        failed = {r.code: r.message for r in decision.failed}
        assert set(failed) == {"lecture.yearly", "consultation.appointment"}
        assert failed["lecture.yearly"] == "每两个月应开展一次讲座（全年共6次），实际全年5次"

    def test_no_consultation_this_week_fails(self, point, staff):
        decision = point_standard_check(point, on=date(2021, 5, 15)).decision
        assert "定期问诊原则上每周安排1至2个半天，实际每周0个半天" in [r.message for r in decision.failed]


class TestAdmin:
    def test_scope_by_street_and_404_elsewhere(self, client, tree, staff, point):
        theirs = make_point(staff["other_street"], tree["other_street"], name="外街镇服务点")
        mine_event, their_event = event(staff["street"], point), event(staff["other_street"], theirs)
        client.force_login(staff["street"])
        response = client.get(reverse("admin:health_points_healthservicepoint_changelist"))
        assert "北区职工健康服务点" in response.text and "外街镇服务点" not in response.text
        for name, obj in (("healthservicepoint", theirs), ("serviceevent", their_event)):
            for page in ("change", "history"):
                assert client.get(reverse(f"admin:health_points_{name}_{page}", args=[obj.pk])).status_code == 404
        assert client.get(reverse("admin:health_points_serviceevent_change", args=[mine_event.pk])).status_code == 200

    def test_grassroots_staff_have_no_access(self, client, staff, point):
        client.force_login(staff["grassroots"])
        assert client.get(reverse("admin:health_points_healthservicepoint_changelist")).status_code == 403

    def test_the_point_page_shows_the_standard_check(self, client, staff, point):
        client.force_login(staff["street"])
        response = client.get(reverse("admin:health_points_healthservicepoint_change", args=[point.pk]))
        assert response.status_code == 200
        assert "不符合条件" in response.text and "实际每周0个半天" in response.text

    def test_adding_a_late_notice_in_the_admin_shows_the_rules_message(self, client, staff, point):
        client.force_login(staff["street"])
        data = {
            "point": point.pk,
            "kind": "lecture",
            "date": "2021-05-20",
            "start_time": "12:00",
            "end_time": "13:00",
            "topic": "职业病防治",
            "venue": "",
            "doctor": "",
            "notice_posted_on": "2021-05-14",
        }
        response = client.post(reverse("admin:health_points_serviceevent_add"), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["notice_posted_on"] == [
            "讲座信息应提前1至2周（7至14天，即 2021-05-06 至 2021-05-13）公示，实际于 2021-05-14 公示（提前6天）"
        ]
        response = client.post(
            reverse("admin:health_points_serviceevent_add"), {**data, "notice_posted_on": "2021-05-13"}
        )
        assert response.status_code == 302 and ServiceEvent.objects.get().notice_posted_on == date(2021, 5, 13)


class TestPublicPage:
    def test_lists_running_points_their_contact_and_coming_events(self, client, tree, staff, point):
        closed = make_point(staff["street"], tree["street"], name="已停用服务点", is_active=False)
        event(staff["street"], point, kind="lecture", on=date(2021, 5, 20), topic="心理健康新知")
        event(staff["street"], point, kind="patrol", on=date(2021, 5, 14), topic="昨日巡诊")  # past
        event(staff["street"], point, kind="lecture", on=date(2021, 9, 1), topic="秋季讲座")  # beyond the weeks shown
        response = client.get(reverse("health_points:points"))
        assert response.status_code == 200
        assert "北区职工健康服务点" in response.text and closed.name not in response.text
        assert 'href="tel:021-59990000"' in response.text and "预约制" in response.text
        assert "心理健康新知" in response.text
        assert "昨日巡诊" not in response.text and "秋季讲座" not in response.text

    def test_filter_by_street(self, client, tree, staff, point):
        make_point(staff["other_street"], tree["other_street"], name="外街镇服务点")
        response = client.get(reverse("health_points:points"), {"street": tree["other_street"].pk})
        assert [p.name for p in response.context["points"]] == ["外街镇服务点"]


@pytest.mark.parametrize("who", ["street", "district"])
@pytest.mark.parametrize(
    "page",
    [
        "admin:health_points_healthservicepoint_add",
        "admin:health_points_serviceevent_add",
        "admin:health_points_serviceevent_changelist",
    ],
)
def test_the_admin_pages_open(client, staff, point, who, page):
    event(staff["street"], point, kind="patrol", on=date(2021, 5, 25))
    client.force_login(staff[who])
    response = client.get(reverse(page), {"notice": "overdue"} if page.endswith("changelist") else {})
    assert response.status_code == 200
