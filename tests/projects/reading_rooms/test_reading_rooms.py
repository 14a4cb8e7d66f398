"""Reading rooms (2019 §12): the district's approval registers the room with the stock it
was judged on; the public list shows rooms on the register; staff see their scope."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from projects.models import QuotaPool
from projects.reading_rooms import services
from projects.reading_rooms.models import ReadingRoom
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition

DEMO = {"point_type": "demo", "books": 2300, "periodicals": 12, "audio_video": 60}


def submit(user, unit, **facts):
    return application_submit(
        user=user, rule_id="reading_room", policy_year=2019, facts={**DEMO, **facts}, organisation=unit
    )


@pytest.fixture
def room(tree, staff):
    application = submit(staff["grassroots"], tree["unit"])
    with time_machine.travel("2019-10-08 10:00 +0800", tick=False):
        application_transition(user=staff["district"], application=application, action="approve")
    return ReadingRoom.objects.get(application=application)


class TestRegistration:
    def test_approval_registers_the_room_with_its_stock_and_designation_date(self, room, tree):
        assert (room.unit, room.point_type, room.policy_year) == (tree["unit"], "demo", 2019)
        assert (room.books, room.periodicals, room.audio_video) == (2300, 12, 60)
        assert room.designated_on == date(2019, 10, 8)

    def test_below_standard_is_refused_and_nothing_registered(self, tree, staff):
        with pytest.raises(ApplicationError, match="藏书量须达到 2000 册"):
            submit(staff["grassroots"], tree["unit"], books=1999)
        assert not ReadingRoom.objects.exists()

    def test_the_demo_places_are_counted_in_the_quota(self, room):
        assert QuotaPool.objects.get(key="reading_room:2019:demo").taken == 1

    def test_one_room_per_unit_and_year_in_the_database(self, room):
        duplicate = ReadingRoom(
            unit=room.unit,
            point_type="self_built",
            policy_year=2019,
            books=1000,
            periodicals=5,
            audio_video=30,
            designated_on=date(2019, 11, 1),
            application=room.application,
        )
        with pytest.raises(IntegrityError):
            ReadingRoom.objects.bulk_create([duplicate])


class TestUpdate:
    def test_district_keeps_stock_current(self, room, staff):
        services.reading_room_update(user=staff["district"], room=room, books=2600, periodicals=15, audio_video=70)
        room.refresh_from_db()
        assert room.books == 2600 and room.history.first().history_user == staff["district"]

    def test_negative_stock_names_the_field(self, room, staff):
        with pytest.raises(ValidationError) as excinfo:
            services.reading_room_update(user=staff["district"], room=room, books=-1, periodicals=15, audio_video=70)
        assert excinfo.value.message_dict == {"books": [services.NEGATIVE]}

    @pytest.mark.parametrize("who", ["grassroots", "street"])
    def test_others_cannot_edit(self, room, staff, who):
        with pytest.raises(ApplicationError) as excinfo:
            services.reading_room_update(user=staff[who], room=room, books=1, periodicals=1, audio_video=1)
        assert excinfo.value.message == services.NOT_DISTRICT


class TestPages:
    def test_public_list(self, client, room, staff):
        response = client.get("/p/reading-rooms/")
        assert response.status_code == 200
        page = response.content.decode()
        assert room.unit.name in page and "区级职工书屋示范点" in page
        services.reading_room_update(
            user=staff["district"], room=room, books=2300, periodicals=12, audio_video=60, is_active=False
        )
        assert room.unit.name not in client.get(reverse("reading_rooms:list")).content.decode()

    @pytest.mark.parametrize(
        "who, status",
        [("grassroots", 403), ("other_grassroots", 404), ("street", 200), ("other_street", 404), ("district", 200)],
    )
    def test_admin_scope(self, client, room, staff, who, status):
        client.force_login(staff[who])
        assert client.get(reverse("admin:reading_rooms_readingroom_change", args=[room.pk])).status_code == status

    def test_admin_edit_by_district_only(self, client, room, staff):
        url = reverse("admin:reading_rooms_readingroom_change", args=[room.pk])
        data = {"books": 2500, "periodicals": 12, "audio_video": 60, "is_active": "on"}
        client.force_login(staff["grassroots"])
        assert client.post(url, data).status_code == 403
        client.force_login(staff["district"])
        assert client.post(url, data).status_code == 302
        room.refresh_from_db()
        assert room.books == 2500 and room.point_type == "demo"


@pytest.mark.parametrize("who", ["street", "district"])
def test_changelist_renders(client, room, staff, who):
    client.force_login(staff[who])
    response = client.get(reverse("admin:reading_rooms_readingroom_changelist"))
    assert response.status_code == 200 and room.unit.name in response.content.decode()


def test_not_in_a_grassroots_unions_menu(client, room, staff):
    # Its room is on the public 职工书屋 page; the register is the district's (members/roles.py, issue 12).
    client.force_login(staff["grassroots"])
    assert client.get(reverse("admin:reading_rooms_readingroom_changelist")).status_code == 403


class TestTargetsArePools:
    """2019 §12's 10 demonstration points and 20 self-built points are district targets: the pool enforces
    them, and district staff raise a pool only with a reason, kept in its history (issue 11)."""

    @pytest.mark.parametrize("point_type, target", [("demo", 10), ("self_built", 20)])
    def test_the_pool_is_the_target_and_refuses_the_one_after(self, tree, staff, point_type, target):
        facts = {"point_type": point_type, "books": 2300, "periodicals": 12, "audio_video": 60}
        submit(staff["grassroots"], tree["unit"], **facts)
        pool = QuotaPool.objects.get(key=f"reading_room:2019:{point_type}")
        assert pool.capacity == target
        QuotaPool.objects.filter(pk=pool.pk).update(taken=target)  # the others took the rest
        with pytest.raises(ApplicationError, match=f"名额已满（共{target}个）"):
            submit(staff["street"], tree["other_unit"], **facts)

    def _change(self, client, staff, pool, capacity, reason):
        client.force_login(staff["district"])
        url = reverse("admin:projects_quotapool_change", args=[pool.pk])
        data = {"key": pool.key, "project": pool.project, "policy_year": pool.policy_year, "label": pool.label}
        return client.post(url, {**data, "capacity": str(capacity), "reason": reason})

    @pytest.mark.parametrize(
        "capacity, reason, changed",
        [
            (11, "", False),  # a raise without a reason is refused next to the field
            (11, "   ", False),
            (11, "区总工会决定增设一个示范点", True),
            (10, "", True),  # the size unchanged: no reason needed
        ],
    )
    def test_district_raises_a_pool_with_a_reason_kept_in_history(
        self, tree, staff, client, room, capacity, reason, changed
    ):
        pool = QuotaPool.objects.get(key="reading_room:2019:demo")
        response = self._change(client, staff, pool, capacity, reason)
        pool.refresh_from_db()
        if not changed:
            assert response.status_code == 200
            assert "调整名额须填写理由" in response.content.decode()
            assert pool.capacity == 10
            return
        assert response.status_code == 302 and pool.capacity == capacity
        if reason:
            assert pool.history.first().history_change_reason == reason
            submit(staff["street"], tree["other_unit"])  # the raised pool takes one more
            assert QuotaPool.objects.get(pk=pool.pk).taken == 2
