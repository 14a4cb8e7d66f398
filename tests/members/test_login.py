import pytest
from django.urls import reverse

from members import services
from tests.factories import MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kq7#vLm2-zX"


@pytest.fixture
def member():
    member = MemberFactory(card_number="3100000777", phone="13655550000")
    services.member_account_create(member=member, password=PASSWORD)
    return member


@pytest.mark.parametrize("identifier", ["3100000777", "13655550000"])
def test_member_signs_in_with_card_number_or_phone(client, member, identifier):
    response = client.post(reverse("members:login"), {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.user_id)


def test_wrong_password_shows_a_chinese_message(client, member):
    response = client.post(reverse("members:login"), {"username": "3100000777", "password": "nope"})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_member_who_left_cannot_sign_in(client, member):
    services.member_update(member=member, is_active=False)
    response = client.post(reverse("members:login"), {"username": "3100000777", "password": PASSWORD})
    assert response.status_code == 200


def test_member_login_is_not_a_staff_username_login(client, member):
    # The account's username is the card number; the username path must not bypass the member checks.
    from members.models import Member

    Member.objects.filter(pk=member.pk).update(is_active=False)
    response = client.post(reverse("members:login"), {"username": "3100000777", "password": PASSWORD})
    assert response.status_code == 200


def test_staff_sign_in_with_username(client):
    StaffUserFactory(username="jiedao01")
    response = client.post(reverse("members:login"), {"username": "jiedao01", "password": "Str0ng-Passw0rd!"})
    assert response.status_code == 302


def test_logout_is_a_post(client, member):
    client.force_login(member.user)
    assert client.get(reverse("members:logout")).status_code == 405
    assert client.post(reverse("members:logout")).status_code == 302
