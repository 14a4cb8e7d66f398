"""The member's page (own data only) and the street staff's admin (scoped, through the services)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from projects.flexible_workers import services
from projects.flexible_workers.models import ServiceDelivery
from tests.projects.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    return client


def deliver(staff, application, kind="checkup", **kwargs):
    with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
        return services.five_services_record(
            user=staff["street"], application=application, kind=kind, delivered_on=date(2021, 7, 30), **kwargs
        )


class TestMemberPage:
    def test_the_member_sees_their_deliveries(self, client, approved, flex, staff):
        deliver(staff, approved, kind="cooling_gift", gift_form="transport_card")
        signed_in(client, flex)
        html = client.get(reverse("flexible_workers:my_services")).content.decode()
        assert "送清凉慰问品" in html and "交通卡" in html and "2021-09-30" in html and "D类保障" in html
        detail = client.get(reverse("flexible_workers:my_service", args=[approved.reference]))
        assert detail.status_code == 200 and "送清凉慰问品" in detail.content.decode()

    def test_someone_elses_registration_is_a_404(self, client, approved, other_flex, staff):
        signed_in(client, other_flex)
        assert client.get(reverse("flexible_workers:my_service", args=[approved.reference])).status_code == 404
        assert approved.reference not in client.get(reverse("flexible_workers:my_services")).content.decode()

    def test_anonymous_and_staff(self, client, staff):
        response = client.get(reverse("flexible_workers:my_services"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(staff["street"])
        assert client.get(reverse("flexible_workers:my_services")).status_code == 403

    def test_url(self):
        assert reverse("flexible_workers:my_services") == "/p/flexible-workers/my/"


@pytest.mark.usefixtures("in_groups")
class TestAdmin:
    def test_street_staff_record_through_the_admin(self, client, approved, staff):
        client.force_login(staff["street"])
        url = reverse("admin:flexible_workers_servicedelivery_add")
        assert client.get(url).status_code == 200
        with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
            response = client.post(
                url,
                {
                    "application": approved.pk,
                    "kind": "warmth_gift",
                    "delivered_on": "2021-07-30",
                    "gift_form": "online_voucher",
                    "note": "",
                },
            )
        assert response.status_code == 302, response.content.decode()[:3000]
        delivery = ServiceDelivery.objects.get()
        assert (delivery.recorded_by, delivery.gift_form) == (staff["street"], "online_voucher")

    def test_admin_refuses_with_the_services_message(self, client, approved, staff):
        client.force_login(staff["street"])
        url = reverse("admin:flexible_workers_servicedelivery_add")
        with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
            response = client.post(
                url,
                {
                    "application": approved.pk,
                    "kind": "warmth_gift",
                    "delivered_on": "2021-07-30",
                    "gift_form": "",
                    "note": "",
                },
            )
        assert response.status_code == 200 and "请选择送温暖慰问品的发放形式。" in response.content.decode()
        deliver(staff, approved)
        with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
            response = client.post(
                url,
                {
                    "application": approved.pk,
                    "kind": "checkup",
                    "delivered_on": "2021-07-31",
                    "gift_form": "",
                    "note": "",
                },
            )
        assert "本年度已为该会员登记“送健康体检”" in response.content.decode()
        assert ServiceDelivery.objects.count() == 1

    def test_another_streets_record_is_a_404(self, client, approved, staff):
        delivery = deliver(staff, approved)
        client.force_login(staff["other_street"])
        for name in ("change", "history"):
            url = reverse(f"admin:flexible_workers_servicedelivery_{name}", args=[delivery.pk])
            assert client.get(url).status_code == 404
        client.force_login(staff["street"])
        assert (
            client.get(reverse("admin:flexible_workers_servicedelivery_change", args=[delivery.pk])).status_code == 200
        )

    def test_another_streets_application_cannot_be_chosen(self, client, approved, staff):
        client.force_login(staff["other_street"])
        with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
            response = client.post(
                reverse("admin:flexible_workers_servicedelivery_add"),
                {"application": approved.pk, "kind": "checkup", "delivered_on": "2021-07-30"},
            )
        assert response.status_code == 200 and not ServiceDelivery.objects.exists()

    def test_district_and_grassroots_cannot_add(self, client, staff):
        for who in ("district", "grassroots"):
            client.force_login(staff[who])
            assert client.get(reverse("admin:flexible_workers_servicedelivery_add")).status_code == 403

    def test_checkups_page(self, client, approved, staff):
        client.force_login(staff["district"])
        response = client.get(reverse("admin:flexible_workers_servicedelivery_checkups"), {"year": "2021"})
        assert response.status_code == 200 and approved.reference in response.content.decode()
        client.force_login(staff["other_street"])
        response = client.get(reverse("admin:flexible_workers_servicedelivery_checkups"))
        assert response.status_code == 200 and approved.reference not in response.content.decode()
