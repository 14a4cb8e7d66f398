"""The caravan (2019 §11): an approved request opens a visit the district schedules; the host and
its street see it; the public page lists the coming visits."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.caravan.models import CaravanService, CaravanVisit
from projects.caravan.services import (
    DATE_PASSED,
    LOCATION_REQUIRED,
    NO_SERVICES,
    NOT_DISTRICT,
    NOT_SCHEDULED,
    caravan_visit_create,
    caravan_visit_record_attendance,
    caravan_visit_schedule,
)
from projects.models import Notification
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_june_2019():
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        yield


def request_visit(user, unit):
    return application_submit(
        user=user,
        rule_id="caravan_visit",
        policy_year=2019,
        organisation=unit,
        facts={"host_kind": "unit", "host_in_district": True},
    )


@pytest.fixture
def visit(tree, staff):
    application = request_visit(staff["grassroots"], tree["unit"])
    assert application.status == "district_review"
    application_transition(user=staff["district"], application=application, action="approve")
    return CaravanVisit.objects.get(application=application)


def plan(user, visit, on=date(2019, 6, 15), **extra):
    fields = {
        "location": "单位食堂门前广场",
        "services": ["tent", "legal", "haircut"],
        "start_time": time(11, 0),
        "end_time": time(13, 30),
        "expected_attendance": 200,
        **extra,
    }
    return caravan_visit_schedule(user=user, visit=visit, visit_date=on, **fields)


class TestOpening:
    def test_approval_opens_a_visit_awaiting_its_date(self, tree, visit):
        assert (visit.host, visit.street, visit.host_kind) == (tree["unit"], tree["street"], "unit")
        assert visit.visit_date is None and visit.services == list(CaravanService.values)

    def test_a_rejected_request_opens_nothing(self, tree, staff):
        application = request_visit(staff["grassroots"], tree["unit"])
        application_transition(user=staff["district"], application=application, action="reject", comment="场地不足")
        assert not CaravanVisit.objects.exists()


class TestScheduling:
    def test_the_district_sets_the_date_and_the_host_is_told(self, staff, visit):
        plan(staff["district"], visit)
        visit.refresh_from_db()
        assert visit.visit_date == date(2019, 6, 15) and visit.services == ["tent", "legal", "haircut"]
        assert visit.scheduled_by == staff["district"]
        note = Notification.objects.filter(recipient=staff["grassroots"]).order_by("-pk").first()
        assert note.title == "“大篷车”活动已安排：2019-06-15 11:00，单位食堂门前广场"
        assert note.body == "免费提供帐篷、法律服务、免费理发"

    @pytest.mark.parametrize("who", ["grassroots", "street"])
    def test_only_the_district_schedules(self, staff, visit, who):
        with pytest.raises(ApplicationError, match=NOT_DISTRICT):
            plan(staff[who], visit)

    def test_checks(self, staff, visit):
        with pytest.raises(ApplicationError, match=DATE_PASSED):
            plan(staff["district"], visit, on=date(2019, 5, 31))
        with pytest.raises(ApplicationError, match=LOCATION_REQUIRED):
            plan(staff["district"], visit, location=" ")
        with pytest.raises(ValidationError) as excinfo:
            plan(staff["district"], visit, services=[])
        assert excinfo.value.message_dict["services"] == [NO_SERVICES]
        with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
            plan(staff["district"], visit, end_time=time(10, 0))
        assert plan(staff["district"], visit, on=date(2019, 6, 1)).visit_date == date(2019, 6, 1)  # today is fine

    def test_attendance_is_recorded_after_the_visit(self, staff, visit):
        with pytest.raises(ApplicationError, match=NOT_SCHEDULED):
            caravan_visit_record_attendance(user=staff["district"], visit=visit, actual_attendance=180)
        plan(staff["district"], visit)
        with pytest.raises(ApplicationError, match="活动尚未举行（2019-06-15）"):
            caravan_visit_record_attendance(user=staff["district"], visit=visit, actual_attendance=180)
        with time_machine.travel("2019-06-15 15:00 +0800", tick=False):
            caravan_visit_record_attendance(user=staff["district"], visit=visit, actual_attendance=180)
        visit.refresh_from_db()
        assert visit.actual_attendance == 180

    def test_the_district_may_plan_a_visit_itself(self, tree, staff):
        created = caravan_visit_create(
            user=staff["district"],
            host=tree["other_street"],
            host_kind="park",
            visit_date=date(2019, 7, 1),
            location="园区中心广场",
            services=["health", "tent"],
        )
        assert created.application is None and created.street == tree["other_street"]
        assert created.services == ["tent", "health"]


class TestAdmin:
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
    def test_the_host_its_street_and_the_district_see_it(self, client, staff, visit, who, sees):
        client.force_login(staff[who])
        for page in ("change", "history"):
            url = reverse(f"admin:caravan_caravanvisit_{page}", args=[visit.pk])
            assert client.get(url).status_code == (200 if sees else 404)

    def test_the_host_cannot_change_it(self, client, staff, visit):
        client.force_login(staff["grassroots"])
        response = client.post(
            reverse("admin:caravan_caravanvisit_change", args=[visit.pk]),
            {"visit_date": "2019-06-02", "location": "自选", "services": ["tent"]},
        )
        assert response.status_code == 403
        visit.refresh_from_db()
        assert visit.visit_date is None

    def form(self, **extra):
        return {
            "visit_date": "2019-06-15",
            "start_time": "11:00",
            "end_time": "",
            "location": "单位食堂门前广场",
            "services": ["legal", "phone_repair"],
            "expected_attendance": "150",
            "notes": "",
            "actual_attendance": "",
            **extra,
        }

    def test_the_district_schedules_in_the_admin(self, client, staff, visit):
        client.force_login(staff["district"])
        url = reverse("admin:caravan_caravanvisit_change", args=[visit.pk])
        response = client.post(url, self.form(visit_date="2019-05-01"))
        assert response.context["adminform"].form.errors["visit_date"] == [DATE_PASSED]
        response = client.post(url, self.form(actual_attendance="120"))
        assert "actual_attendance" in response.context["adminform"].form.errors
        assert client.post(url, self.form()).status_code == 302
        visit.refresh_from_db()
        assert visit.visit_date == date(2019, 6, 15) and visit.services == ["legal", "phone_repair"]

    def test_the_district_adds_a_visit_of_its_own(self, client, tree, staff):
        client.force_login(staff["district"])
        data = {"host": tree["far_unit"].pk, "host_kind": "unit", **self.form()}
        data.pop("actual_attendance")
        assert client.post(reverse("admin:caravan_caravanvisit_add"), data).status_code == 302
        created = CaravanVisit.objects.get()
        assert created.host == tree["far_unit"] and created.street == tree["other_street"]


class TestPublicPage:
    def test_lists_coming_visits_only(self, client, tree, staff, visit):
        plan(staff["district"], visit)
        caravan_visit_create(
            user=staff["district"],
            host=tree["far_unit"],
            host_kind="unit",
            visit_date=date(2019, 6, 3),
            location="远方单位大厅",
            services=["key_cutting"],
        )
        waiting = CaravanVisit.objects.create(host=tree["other_unit"], street=tree["street"], host_kind="unit")
        with time_machine.travel("2019-06-05 09:00 +0800", tick=False):
            response = client.get(reverse("caravan:visits"))
        assert response.status_code == 200
        assert tree["unit"].name in response.text and "单位食堂门前广场" in response.text
        assert "免费提供帐篷、法律服务、免费理发" in response.text and "2019-06-15" in response.text
        assert "远方单位大厅" not in response.text  # already held
        assert waiting.host.name not in response.text  # no date yet


@pytest.mark.parametrize("who", ["grassroots", "street", "district"])
def test_the_changelist_opens(client, staff, visit, who):
    client.force_login(staff[who])
    assert client.get(reverse("admin:caravan_caravanvisit_changelist")).status_code == 200
    if who == "district":
        assert client.get(reverse("admin:caravan_caravanvisit_add")).status_code == 200
