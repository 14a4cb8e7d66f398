"""Sign-in lockout at POST /accounts/login/: per person, per address, with a backoff.

A stranger's failures must not lock staff out for long from elsewhere, a member's card number
and phone are one counter, and one address guessing at many accounts is stopped.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from members import services
from members.models import StaffRole
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"
STAFF_PASSWORD = "Str0ng-Passw0rd!"
STRANGER = "10.0.0.66"
OFFICE = "10.0.0.8"
PROXY = "172.18.0.2"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def district():
    return StaffUserFactory(username="district", role=StaffRole.DISTRICT, organisation=DistrictFactory())


@pytest.fixture
def clock():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=False) as traveller:
        yield traveller


def sign_in(client, username, password, address, **headers):
    return client.post(
        reverse("members:login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_a_strangers_five_tries_lock_the_district_account_elsewhere_only_for_a_minute(client, district, clock):
    stranger = Client()
    for _ in range(5):
        sign_in(stranger, "district", "guess", STRANGER)
    locked = sign_in(client, "district", STAFF_PASSWORD, OFFICE)
    assert locked.status_code == 429
    assert "请1分钟后再试" in locked.content.decode()

    clock.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(client, "district", STAFF_PASSWORD, OFFICE).status_code == 302
    # The stranger's own address stays locked (15 minutes), and the owner's sign-in does not lift that.
    response = sign_in(stranger, "district", STAFF_PASSWORD, STRANGER)
    assert response.status_code == 429
    assert "请14分钟后再试" in response.content.decode()


def test_each_further_failure_doubles_the_lock(client, district, clock):
    for _ in range(5):
        sign_in(Client(), "district", "guess", STRANGER)
    clock.shift(timedelta(minutes=1, seconds=1))
    response = sign_in(client, "district", "typo", OFFICE)  # the 6th failure: two minutes now
    assert response.status_code == 429
    assert "请2分钟后再试" in response.content.decode()
    clock.shift(timedelta(minutes=1, seconds=59))
    assert sign_in(client, "district", STAFF_PASSWORD, OFFICE).status_code == 429
    clock.shift(timedelta(seconds=2))
    assert sign_in(client, "district", STAFF_PASSWORD, OFFICE).status_code == 302


def test_a_locked_out_attempt_does_not_stretch_the_lock(client, district, clock):
    for _ in range(5):
        sign_in(Client(), "district", "guess", STRANGER)
    for _ in range(20):  # hammering while locked checks no password and counts for nothing
        sign_in(Client(), "district", "guess", "10.0.0.67")
    clock.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(client, "district", STAFF_PASSWORD, OFFICE).status_code == 302


def test_card_number_and_phone_count_as_one_account(client):
    member = MemberFactory(card_number="3100000555", phone="13655551234")
    services.member_account_create(member=member, password=PASSWORD)
    for identifier in ("3100000555", "3100000555", "13655551234", "13655551234", "3100000555"):
        sign_in(client, identifier, "wrong", OFFICE)
    for identifier in ("3100000555", "13655551234"):
        response = sign_in(client, identifier, PASSWORD, OFFICE)
        assert response.status_code == 429
        assert "账号已暂时锁定" in response.content.decode()


def test_guessing_at_many_accounts_from_one_address_locks_that_address(client, settings, clock):
    settings.SIGN_IN_LOCKOUT = [
        {**rule, "limit": 10} if rule["name"] == "address" else rule for rule in settings.SIGN_IN_LOCKOUT
    ]
    StaffUserFactory(username="colleague")
    for n in range(9):
        assert sign_in(Client(), f"31000001{n:02d}", "123456", STRANGER).status_code == 200
    response = sign_in(Client(), "3100000199", "123456", STRANGER)
    assert response.status_code == 429
    assert "已暂停从该网络登录" in response.content.decode()
    assert sign_in(Client(), "colleague", STAFF_PASSWORD, STRANGER).status_code == 429
    assert sign_in(client, "colleague", STAFF_PASSWORD, OFFICE).status_code == 302


def test_an_office_behind_one_address_is_not_locked_out_by_its_typos(client):
    for n in range(30):  # thirty people mistype once each behind the office's NAT address
        sign_in(Client(), f"32000000{n:02d}", "wrong", OFFICE)
    StaffUserFactory(username="colleague")
    assert sign_in(client, "colleague", STAFF_PASSWORD, OFFICE).status_code == 302


def test_behind_the_proxy_the_client_address_counts_and_a_forged_header_does_not_help(
    client, district, clock, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):  # the stranger forges X-Forwarded-For; the proxy appends the real address
        sign_in(Client(), "district", "guess", PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, {STRANGER}")
    clock.shift(timedelta(minutes=1, seconds=1))
    assert (
        sign_in(Client(), "district", STAFF_PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {STRANGER}").status_code
        == 429
    )
    assert sign_in(client, "district", STAFF_PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302
