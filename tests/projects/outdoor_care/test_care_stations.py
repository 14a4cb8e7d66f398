"""Care stations: street staff keep their own street's, the district all; the public list
filters by street and service and shows only open stations."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from projects.outdoor_care.models import CareStation
from projects.outdoor_care.services import (
    NO_SERVICE,
    NOT_MANAGER,
    NOT_YOUR_STREET,
    UNKNOWN_SERVICE,
    care_station_create,
    care_station_update,
)
from projects.services.errors import ApplicationError

pytestmark = pytest.mark.django_db

DETAILS = {"address": "嘉定区博乐路1号", "opening_hours": "每天 7:00—21:00", "contact_phone": "021-59991234"}


def station(user, street, name="博乐路爱心接力站", services=("water", "rest"), **extra):
    return care_station_create(user=user, name=name, street=street, services=services, **{**DETAILS, **extra})


def update(user, obj, **changes):
    fields = {
        "name": obj.name,
        "street": obj.street,
        "address": obj.address,
        "services": [s.value for s in obj.services],
        "opening_hours": obj.opening_hours,
        "contact_phone": obj.contact_phone,
        "latitude": obj.latitude,
        "longitude": obj.longitude,
        "is_active": obj.is_active,
    }
    return care_station_update(user=user, station=obj, **{**fields, **changes})


class TestServices:
    def test_street_staff_add_a_station_to_their_street(self, tree, staff):
        created = station(staff["street"], tree["street"], services=["rest", "water", "toilet"])
        assert [s.value for s in created.services] == ["water", "toilet", "rest"]
        assert created.offers_water and not created.offers_ebike_charging
        assert created.history.count() == 1

    def test_street_staff_cannot_add_to_another_street(self, tree, staff):
        with pytest.raises(ApplicationError) as excinfo:
            station(staff["street"], tree["other_street"])
        assert excinfo.value.message == NOT_YOUR_STREET and excinfo.value.field == "street"
        assert not CareStation.objects.exists()

    @pytest.mark.parametrize("who", ["grassroots", "other_grassroots"])
    def test_grassroots_staff_and_members_keep_no_stations(self, tree, staff, member, who):
        for user in (staff[who], member.user):
            with pytest.raises(ApplicationError, match=NOT_MANAGER):
                station(user, tree["street"])

    def test_district_adds_to_any_street(self, tree, staff):
        assert station(staff["district"], tree["other_street"]).street == tree["other_street"]

    def test_a_station_must_be_in_a_street_union(self, tree, staff):
        with pytest.raises(ApplicationError, match="所属街镇须为街镇"):
            station(staff["district"], tree["unit"])

    @pytest.mark.parametrize(
        "services, message", [((), NO_SERVICE), (("water", "sauna"), UNKNOWN_SERVICE.format(codes="sauna"))]
    )
    def test_services_are_the_policy_codes_and_at_least_one(self, tree, staff, services, message):
        with pytest.raises(ValidationError) as excinfo:
            station(staff["street"], tree["street"], services=services)
        assert excinfo.value.message_dict["services"] == [message]

    def test_coordinates_come_together(self, tree, staff):
        with pytest.raises(ValidationError) as excinfo:
            station(staff["street"], tree["street"], latitude=Decimal("31.383"))
        assert "经度和纬度须同时填写或同时留空。" in excinfo.value.messages

    def test_names_are_unique_within_a_street_only(self, tree, staff):
        station(staff["street"], tree["street"])
        with pytest.raises(ValidationError, match="本街镇已有同名的爱心接力站"):
            station(staff["street"], tree["street"])
        assert station(staff["other_street"], tree["other_street"]).name == "博乐路爱心接力站"

    def test_phone_must_look_like_a_phone(self, tree, staff):
        with pytest.raises(ValidationError) as excinfo:
            station(staff["street"], tree["street"], contact_phone="call me")
        assert "contact_phone" in excinfo.value.message_dict

    def test_street_staff_cannot_move_a_station_out_of_or_edit_another_street(self, tree, staff):
        mine = station(staff["street"], tree["street"])
        with pytest.raises(ApplicationError, match=NOT_YOUR_STREET):
            update(staff["street"], mine, street=tree["other_street"])
        with pytest.raises(ApplicationError, match=NOT_YOUR_STREET):
            update(staff["other_street"], mine, name="改名")
        mine.refresh_from_db()
        assert (mine.street, mine.name) == (tree["street"], "博乐路爱心接力站")

    def test_update_replaces_the_services_and_is_audited(self, tree, staff):
        mine = station(staff["street"], tree["street"])
        update(staff["street"], mine, services=["ebike_charging"], is_active=False)
        mine.refresh_from_db()
        assert [s.value for s in mine.services] == ["ebike_charging"] and not mine.is_active
        assert mine.history.count() == 2

    def test_the_database_refuses_a_station_without_services(self, tree):
        with pytest.raises(IntegrityError), transaction.atomic():
            CareStation.objects.create(name="空站", street=tree["street"], **DETAILS)


class TestAdmin:
    def test_street_staff_see_their_street_only_and_another_street_is_a_404(self, client, tree, staff):
        mine = station(staff["street"], tree["street"], name="本街镇站")
        theirs = station(staff["other_street"], tree["other_street"], name="外街镇站")
        client.force_login(staff["street"])
        response = client.get(reverse("admin:outdoor_care_carestation_changelist"))
        assert response.status_code == 200
        assert "本街镇站" in response.text and "外街镇站" not in response.text
        assert client.get(reverse("admin:outdoor_care_carestation_change", args=[mine.pk])).status_code == 200
        for name in ("admin:outdoor_care_carestation_change", "admin:outdoor_care_carestation_history"):
            assert client.get(reverse(name, args=[theirs.pk])).status_code == 404

    def test_district_sees_all(self, client, tree, staff):
        station(staff["street"], tree["street"], name="本街镇站")
        station(staff["other_street"], tree["other_street"], name="外街镇站")
        client.force_login(staff["district"])
        response = client.get(reverse("admin:outdoor_care_carestation_changelist"))
        assert "本街镇站" in response.text and "外街镇站" in response.text

    def test_grassroots_staff_have_no_access(self, client, tree, staff):
        client.force_login(staff["grassroots"])
        assert client.get(reverse("admin:outdoor_care_carestation_changelist")).status_code == 403

    def _post(self, client, street, **extra):
        data = {
            "name": "新成路爱心接力站",
            "street": street.pk,
            "address": "新成路88号",
            "services": ["water", "toilet"],
            "opening_hours": "24小时",
            "contact_phone": "13912345678",
            "latitude": "",
            "longitude": "",
            "is_active": "on",
            **extra,
        }
        return client.post(reverse("admin:outdoor_care_carestation_add"), data)

    def test_street_staff_add_through_the_admin(self, client, tree, staff):
        client.force_login(staff["street"])
        response = self._post(client, tree["street"])
        assert response.status_code == 302
        created = CareStation.objects.get()
        assert created.street == tree["street"] and [s.value for s in created.services] == ["water", "toilet"]

    def test_the_admin_offers_street_staff_only_their_street(self, client, tree, staff):
        client.force_login(staff["street"])
        response = self._post(client, tree["other_street"])
        assert response.status_code == 200 and not CareStation.objects.exists()
        assert response.context["adminform"].form.errors["street"]

    def test_the_admin_requires_a_service(self, client, tree, staff):
        client.force_login(staff["street"])
        response = self._post(client, tree["street"], services=[])
        assert "请至少选择一项服务内容。" in response.context["adminform"].form.errors["services"]
        assert not CareStation.objects.exists()

    def test_nobody_deletes_a_station(self, client, tree, staff):
        mine = station(staff["street"], tree["street"])
        client.force_login(staff["district"])
        response = client.post(reverse("admin:outdoor_care_carestation_delete", args=[mine.pk]), {"post": "yes"})
        assert response.status_code == 403 and CareStation.objects.filter(pk=mine.pk).exists()


class TestPublicPage:
    @pytest.fixture
    def stations(self, tree, staff):
        return {
            "here": station(
                staff["street"],
                tree["street"],
                name="博乐路站",
                services=["water", "ebike_charging"],
                latitude=Decimal("31.383000"),
                longitude=Decimal("121.265000"),
            ),
            "there": station(staff["other_street"], tree["other_street"], name="城中路站", services=["water"]),
            "closed": station(
                staff["street"], tree["street"], name="已停用站", services=["ebike_charging"], is_active=False
            ),
        }

    def test_anyone_sees_the_open_stations_without_logging_in(self, client, stations):
        response = client.get(reverse("outdoor_care:stations"))
        assert response.status_code == 200
        assert "博乐路站" in response.text and "城中路站" in response.text and "已停用站" not in response.text
        assert 'name="viewport"' in response.text and 'href="tel:021-59991234"' in response.text
        assert "uri.amap.com/marker?position=121.265000,31.383000" in response.text

    def test_filter_by_street(self, client, tree, stations):
        response = client.get(reverse("outdoor_care:stations"), {"street": tree["other_street"].pk})
        assert list(response.context["stations"]) == [stations["there"]]

    def test_filter_by_service(self, client, stations):
        response = client.get(reverse("outdoor_care:stations"), {"service": "ebike_charging"})
        assert list(response.context["stations"]) == [stations["here"]]
        assert "电瓶车充电" in response.text

    def test_an_invalid_filter_shows_everything_with_a_note(self, client, stations):
        response = client.get(reverse("outdoor_care:stations"), {"service": "sauna"})
        assert response.status_code == 200 and len(response.context["stations"]) == 2
        assert "筛选条件无效" in response.text

    def test_the_list_takes_a_fixed_number_of_queries(
        self, client, tree, staff, stations, django_assert_max_num_queries
    ):
        for n in range(10):
            station(staff["street"], tree["street"], name=f"站点{n}")
        with django_assert_max_num_queries(6):
            client.get(reverse("outdoor_care:stations"))


@pytest.mark.parametrize("who", ["street", "district"])
def test_the_add_page_opens(client, staff, who):
    client.force_login(staff[who])
    response = client.get(reverse("admin:outdoor_care_carestation_add"))
    assert response.status_code == 200 and "电瓶车充电" in response.text
