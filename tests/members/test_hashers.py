"""Members' passwords: Argon2id tuned for this box; PBKDF2 hashes verify and are upgraded on sign-in."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from members import services
from members.hashers import TunedArgon2PasswordHasher
from members.models import User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"
PRODUCTION_HASHERS = ["members.hashers.TunedArgon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    settings.ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


@pytest.fixture
def legacy_member(production_hashers):
    member = MemberFactory(card_number="3100000777", phone="13655550000")
    services.member_account_create(member=member, password=PASSWORD)
    # A hash from before the switch (a cheap iteration count: the test is about the upgrade, not the cost).
    User.objects.filter(pk=member.user_id).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, "legacysalt1234", iterations=1000)
    )
    return member


def test_the_base_settings_prefer_argon2_and_keep_pbkdf2_for_old_hashes():
    from jiading_union.settings import base

    assert base.PASSWORD_HASHERS[0] == "members.hashers.TunedArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS[1:]
    assert base.ARGON2_PARAMETERS == {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


def test_new_passwords_are_argon2id_with_the_tuned_parameters(production_hashers):
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), TunedArgon2PasswordHasher)


def test_a_pbkdf2_hash_is_upgraded_to_argon2_on_a_successful_sign_in(client, legacy_member):
    response = client.post(reverse("members:login"), {"username": "3100000777", "password": PASSWORD})
    assert response.status_code == 302
    stored = User.objects.get(pk=legacy_member.user_id).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert client.post(reverse("members:logout")).status_code == 302
    assert client.post(reverse("members:login"), {"username": "3100000777", "password": PASSWORD}).status_code == 302


def test_a_failed_sign_in_leaves_the_old_hash_alone(client, legacy_member):
    before = User.objects.get(pk=legacy_member.user_id).password
    assert client.post(reverse("members:login"), {"username": "3100000777", "password": "wrong"}).status_code == 200
    assert User.objects.get(pk=legacy_member.user_id).password == before


def test_an_argon2_hash_with_django_defaults_is_retuned_on_sign_in(client, production_hashers):
    member = MemberFactory(card_number="3100000779")
    services.member_account_create(member=member, password=PASSWORD)
    from django.contrib.auth.hashers import Argon2PasswordHasher

    User.objects.filter(pk=member.user_id).update(password=Argon2PasswordHasher().encode(PASSWORD, "defaultsalt12345"))
    assert client.post(reverse("members:login"), {"username": "3100000779", "password": PASSWORD}).status_code == 302
    assert "m=19456,t=2,p=1" in User.objects.get(pk=member.user_id).password
