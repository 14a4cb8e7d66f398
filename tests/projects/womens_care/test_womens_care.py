"""Women's care (2019 §8): approving a grant registers the 爱心妈咪小屋 / 亲子工作室; the
public list shows open rooms only; staff see their scope and only the district edits."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from projects.models import ApplicationStatus
from projects.services.attachments import AttachmentUpload
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from projects.womens_care import services
from projects.womens_care.models import MommyRoom, ParentChildStudio
from projects.womens_care.selectors import open_mommy_rooms
from tests.files import PNG


def submit_room(user, unit, built_on="2019-03-01"):
    return application_submit(
        user=user,
        rule_id="mommy_room_grant",
        policy_year=2019,
        facts={"built_on": built_on},
        organisation=unit,
        uploads=[AttachmentUpload("photo", SimpleUploadedFile("r.png", PNG))],
    )


def submit_studio(user, unit, **facts):
    facts = {
        "built_on": "2019-05-01",
        "location": "enterprise",
        "class_type": "holiday",
        "children": 30,
        "weeks": "4",
        **facts,
    }
    return application_submit(
        user=user, rule_id="parent_child_studio_grant", policy_year=2019, facts=facts, organisation=unit
    )


def approve(user, application):
    return application_transition(user=user, application=application, action="approve")


@pytest.fixture
def room(tree, staff):
    tree["unit"].address = "嘉定区测试路1号"
    tree["unit"].save()
    application = submit_room(staff["grassroots"], tree["unit"])
    approve(staff["district"], application)
    return MommyRoom.objects.get(application=application)


class TestRegistration:
    def test_approval_registers_the_room_with_the_units_details(self, room, tree, staff):
        assert room.unit == tree["unit"]
        assert room.address == "嘉定区测试路1号"
        assert room.name.endswith("爱心妈咪小屋") and "工会委员会" not in room.name
        assert str(room.built_on) == "2019-03-01" and room.is_open
        assert room.application.status == ApplicationStatus.APPROVED
        assert room.application.amount == Decimal("15340.00")
        assert room.history.first().history_user == staff["district"]

    def test_nothing_is_registered_before_approval_or_when_rejected(self, tree, staff):
        application = submit_room(staff["grassroots"], tree["unit"])
        assert not MommyRoom.objects.exists()
        application_transition(user=staff["district"], application=application, action="reject", comment="照片不清晰")
        assert not MommyRoom.objects.exists()

    def test_registering_is_idempotent_and_refuses_unapproved_applications(self, room, tree, staff):
        assert services.mommy_room_register(application=room.application) == room
        pending = submit_room(staff["other_grassroots"], tree["other_unit"])
        with pytest.raises(ApplicationError, match="尚未批准"):
            services.mommy_room_register(application=pending)

    def test_a_room_built_outside_the_period_is_refused_at_submission(self, tree, staff):
        with pytest.raises(ApplicationError, match="不符合申请条件"):
            submit_room(staff["grassroots"], tree["unit"], built_on="2019-09-01")

    def test_holiday_studio_keeps_class_children_and_weeks(self, tree, staff):
        application = submit_studio(staff["grassroots"], tree["unit"])
        approve(staff["district"], application)
        studio = ParentChildStudio.objects.get(application=application)
        assert (studio.class_type, studio.children, studio.weeks) == ("holiday", 30, Decimal("4.00"))
        assert application.amount == Decimal("60000.00")

    def test_evening_studio_needs_no_weeks(self, tree, staff):
        application = submit_studio(staff["grassroots"], tree["unit"], class_type="evening", children=20, weeks="")
        approve(staff["district"], application)
        studio = ParentChildStudio.objects.get(application=application)
        assert studio.class_type == "evening" and studio.weeks is None

    def test_database_refuses_a_holiday_class_without_weeks(self, tree, staff):
        application = submit_studio(staff["grassroots"], tree["unit"])
        approve(staff["district"], application)
        with pytest.raises(IntegrityError):
            ParentChildStudio.objects.filter(application=application).update(weeks=None)


class TestPublicList:
    def test_anyone_sees_open_rooms_with_name_unit_and_address(self, client, room):
        response = client.get("/p/womens-care/mommy-rooms/")
        assert response.status_code == 200
        page = response.content.decode()
        assert room.name in page and room.unit.name in page and "嘉定区测试路1号" in page
        assert room.application.reference not in page

    def test_closed_rooms_are_not_listed(self, client, room, staff):
        services.mommy_room_update(
            user=staff["district"], room=room, name=room.name, address=room.address, is_open=False
        )
        assert room.name not in client.get(reverse("womens_care:mommy_rooms")).content.decode()

    def test_filter_by_street(self, client, room, tree):
        assert list(open_mommy_rooms(street_id=tree["other_street"].pk)) == []
        response = client.get(reverse("womens_care:mommy_rooms"), {"street": tree["other_street"].pk})
        assert room.name in response.content.decode()  # a street without rooms is not an option: all are shown
        response = client.get(reverse("womens_care:mommy_rooms"), {"street": tree["street"].pk})
        assert room.name in response.content.decode()


SEES = {"grassroots": 403, "other_grassroots": 404, "street": 200, "other_street": 404, "district": 200}


class TestAdmin:
    @pytest.mark.parametrize("who, status", SEES.items())
    def test_scope(self, client, room, staff, who, status):
        client.force_login(staff[who])
        assert client.get(reverse("admin:womens_care_mommyroom_change", args=[room.pk])).status_code == status
        assert client.get(reverse("admin:womens_care_mommyroom_history", args=[room.pk])).status_code == status

    def test_only_the_district_edits_through_the_service(self, client, room, staff):
        url = reverse("admin:womens_care_mommyroom_change", args=[room.pk])
        data = {
            "name": "新名称小屋",
            "address": "嘉定区新址2号",
            "area_sqm": "12.5",
            "facilities": "冰箱、哺乳椅",
            "is_open": "on",
        }
        client.force_login(staff["street"])
        assert client.post(url, data).status_code == 403
        client.force_login(staff["district"])
        assert client.post(url, data).status_code == 302
        room.refresh_from_db()
        assert (room.name, room.area_sqm, room.is_open) == ("新名称小屋", Decimal("12.50"), True)
        assert room.history.first().history_user == staff["district"]

    def test_rooms_are_never_added_by_hand(self, client, staff):
        client.force_login(staff["district"])
        assert client.get(reverse("admin:womens_care_mommyroom_add")).status_code == 403

    def test_service_refuses_non_district_staff(self, room, staff):
        with pytest.raises(ApplicationError) as excinfo:
            services.mommy_room_update(user=staff["street"], room=room, name="x")
        assert excinfo.value.message == services.NOT_DISTRICT

    def test_studio_changelist_is_scoped(self, client, tree, staff):
        mine = submit_studio(staff["grassroots"], tree["unit"])
        theirs = submit_studio(staff["other_grassroots"], tree["other_unit"])
        approve(staff["district"], mine)
        approve(staff["district"], theirs)
        client.force_login(staff["street"])
        response = client.get(reverse("admin:womens_care_parentchildstudio_changelist"))
        assert response.status_code == 200
        assert set(response.context["cl"].queryset) == set(
            ParentChildStudio.objects.filter(application__in=[mine, theirs])
        )
        client.force_login(staff["other_street"])
        response = client.get(reverse("admin:womens_care_parentchildstudio_changelist"))
        assert list(response.context["cl"].queryset) == []


def test_not_in_a_grassroots_unions_menu(client, room, staff):
    # The rooms are on the public pages; the registers are the district's (members/roles.py, issue 12).
    client.force_login(staff["grassroots"])
    for name in ("admin:womens_care_mommyroom_changelist", "admin:womens_care_parentchildstudio_changelist"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("who", ["street", "district"])
def test_changelists_render(client, room, staff, who):
    client.force_login(staff[who])
    for name in ("admin:womens_care_mommyroom_changelist", "admin:womens_care_parentchildstudio_changelist"):
        assert client.get(reverse(name)).status_code == 200
    assert room.name in client.get(reverse("admin:womens_care_mommyroom_changelist")).content.decode()
