"""A member's trusted phone stays signed in (30 days, sliding); staff sessions stay short."""

import time

import pytest
import time_machine
from django.urls import reverse

from members import services
from members.models import StaffRole
from members.sessions import TRUSTED
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"
STAFF_PASSWORD = "Str0ng-Passw0rd!"
DAY = 24 * 3600


@pytest.fixture
def member():
    member = MemberFactory(card_number="3100000777", phone="13655550000")
    services.member_account_create(member=member, password=PASSWORD)
    return member


def sign_in(client, username, password, remember):
    data = {"username": username, "password": password, **({"remember": "on"} if remember else {})}
    response = client.post(reverse("members:login"), data)
    assert response.status_code == 302
    return response


def cookie_age(response) -> int:
    return int(response.cookies["sessionid"]["max-age"])


def test_the_login_form_offers_to_stay_signed_in_on_this_device(client):
    page = client.get(reverse("members:login")).content.decode()
    assert "在此设备保持登录" in page and 'name="remember"' in page


def test_a_member_who_trusts_the_device_stays_signed_in_for_thirty_days(client, member):
    response = sign_in(client, "3100000777", PASSWORD, remember=True)
    assert cookie_age(response) == 30 * DAY
    assert client.session.get_expiry_age() == 30 * DAY
    with time_machine.travel(time.time() + 29 * DAY):
        assert client.get(reverse("projects:my_applications")).status_code == 200


def test_without_the_tick_a_member_gets_the_short_session(client, member, settings):
    response = sign_in(client, "3100000777", PASSWORD, remember=False)
    assert cookie_age(response) == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert TRUSTED not in client.session


def test_staff_sessions_stay_short_whatever_they_tick(client, settings):
    StaffUserFactory(username="district", role=StaffRole.DISTRICT, organisation=DistrictFactory())
    response = sign_in(client, "district", STAFF_PASSWORD, remember=True)
    assert cookie_age(response) == settings.SESSION_COOKIE_AGE
    assert TRUSTED not in client.session


def test_the_session_is_renewed_once_half_of_it_has_passed_and_not_before(client, member):
    sign_in(client, "3100000777", PASSWORD, remember=True)
    url = reverse("projects:my_applications")
    with time_machine.travel(time.time() + 10 * DAY):
        response = client.get(url)
        assert "sessionid" not in response.cookies  # nothing written: the session is not saved
    with time_machine.travel(time.time() + 16 * DAY):
        response = client.get(url)
        assert cookie_age(response) == 30 * DAY  # renewed from today
    with time_machine.travel(time.time() + 40 * DAY):  # 24 days after the renewal: still signed in
        assert client.get(url).status_code == 200
    with time_machine.travel(time.time() + 80 * DAY):  # unused for longer than the age: signed out
        forget_cached_session(client)
        assert client.get(url).status_code == 302


def forget_cached_session(client):
    """With Redis, sessions are also cached with their age as the cache's timeout, which runs on the
    real clock, not the travelled one: drop the cached copy as its timeout would have."""
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import caches

    store = import_module(settings.SESSION_ENGINE).SessionStore(client.cookies["sessionid"].value)
    if hasattr(store, "cache_key"):
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)
