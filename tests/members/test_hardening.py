"""Login lockout after repeated failures (django-axes) and strong staff passwords."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import StaffRole
from members.passwords import STAFF_PASSWORD_WEAK
from tests.factories import MemberFactory, StaffUserFactory, UnitFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username, password):
    return client.post(reverse("members:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.8")


def test_five_failures_lock_the_account_even_with_the_right_password(client, axes_on):
    member = MemberFactory(card_number="3100000555")
    services.member_account_create(member=member, password=PASSWORD)
    for _ in range(4):
        assert attempt(client, "3100000555", "wrong").status_code == 200
    assert attempt(client, "3100000555", PASSWORD).status_code == 302  # the 5th is still allowed
    client.logout()
    for _ in range(5):
        attempt(client, "3100000555", "wrong")
    response = attempt(client, "3100000555", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def test_a_lockout_is_per_account_not_per_office(client, axes_on):
    StaffUserFactory(username="colleague")
    for _ in range(5):
        attempt(client, "someone-else", "wrong")
    assert attempt(client, "colleague", "Str0ng-Passw0rd!").status_code == 302  # same IP, other account


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "jiading2026x"])
def test_staff_need_twelve_characters_of_three_kinds(password):
    with pytest.raises(ValidationError) as excinfo:
        services.staff_user_create(
            username="s1", password=password, role=StaffRole.GRASSROOTS, organisation=UnitFactory()
        )
    if len(password) >= 12:
        assert STAFF_PASSWORD_WEAK in excinfo.value.messages


def test_a_strong_staff_password_is_accepted():
    user = services.staff_user_create(
        username="s1", password="Jiading@2026", role=StaffRole.GRASSROOTS, organisation=UnitFactory()
    )
    assert user.check_password("Jiading@2026") and user.groups.exists()


def test_members_keep_the_ordinary_rules():
    member = MemberFactory()
    services.member_account_create(member=member, password="walnut-tree-9")  # 13 chars, 2 kinds: fine for members
