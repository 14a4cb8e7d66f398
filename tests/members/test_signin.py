"""What an attacker learns from POST /accounts/login/: never which accounts exist.

Response time used to tell (an existing member's password was hashed twice, an unknown
identifier's once). We count password hashes, not milliseconds: exactly one per attempt.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from members import services
from tests.factories import MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"
STAFF_PASSWORD = "Str0ng-Passw0rd!"


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a password is hashed (checking one hashes it too)."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.members.test_signin.CountingHasher"]
    member = MemberFactory(card_number="3100000777", phone="13655550000")
    services.member_account_create(member=member, password=PASSWORD)
    left = MemberFactory(card_number="3100000778", phone="13655550001")
    services.member_account_create(member=left, password=PASSWORD)
    services.member_update(member=left, is_active=False)
    StaffUserFactory(username="district")
    StaffUserFactory(username="retired", is_active=False)
    CountingHasher.calls = 0
    return CountingHasher


def sign_in(client, username, password, address="10.0.0.8"):
    return client.post(reverse("members:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [
        ("3100000777", PASSWORD, 302),  # member, card number
        ("13655550000", PASSWORD, 302),  # member, phone
        ("3100000777", "wrong", 200),  # member, wrong password
        ("13655550000", "wrong", 200),  # member by phone, wrong password (was hashed twice)
        ("district", STAFF_PASSWORD, 302),  # staff
        ("district", "wrong", 200),
        ("3100009999", "wrong", 200),  # no such card number
        ("13699999999", "wrong", 200),  # no such phone
        ("nobody", "wrong", 200),  # no such username
        ("3100000778", PASSWORD, 200),  # a member who left (right password)
        ("13655550001", PASSWORD, 200),
        ("retired", STAFF_PASSWORD, 200),  # a deactivated staff account
    ],
)
def test_every_sign_in_attempt_hashes_the_password_exactly_once(client, hashes, username, password, status):
    assert sign_in(client, username, password).status_code == status
    assert hashes.calls == 1


@pytest.mark.parametrize("username", ["3100000777", "13655550000", "district", "3100009999", "nobody"])
def test_a_locked_out_attempt_hashes_the_password_exactly_once_too(client, hashes, settings, username):
    settings.AXES_ENABLED = True
    for _ in range(5):
        sign_in(client, username, "wrong")
    hashes.calls = 0
    response = sign_in(client, username, PASSWORD if username[0] == "3" else STAFF_PASSWORD)
    assert response.status_code == 429
    assert hashes.calls == 1
