"""Error pages speak the portal's language and offer a way back (issue 12); a weak password on first
login is a Chinese message at the field, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from members.passwords import ALL_DIGITS, TOO_COMMON


@pytest.mark.django_db
def test_a_missing_page_is_chinese_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and 'href="/"' in text and "Not Found" not in text


@pytest.mark.django_db
def test_a_csrf_failure_is_chinese_and_says_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("members:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期" in text and "CSRF" not in text


@pytest.mark.django_db
def test_a_forbidden_page_is_chinese(client, django_user_model):
    from tests.factories import MemberFactory

    member = MemberFactory()
    from members.services import member_account_create

    member_account_create(member=member, password="Kq7#vLm2-zX")
    client.force_login(member.user)
    response = client.get(reverse("projects:organisation_applications"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_the_server_error_page_needs_no_context():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "系统暂时出错" in html and "没有被保存" in html


@pytest.mark.django_db
@pytest.mark.parametrize("weak, message", [("123456", TOO_COMMON), ("12345678", TOO_COMMON), ("20260101", ALL_DIGITS)])
def test_first_login_with_a_weak_password_is_a_chinese_message_not_a_500(
    client, weak, message, django_capture_on_commit_callbacks
):
    import re

    from members import sms
    from tests.factories import MemberFactory

    member = MemberFactory(phone="13900000001")
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:password_code"), {"identifier": member.card_number})
    code = re.search(r"验证码是(\d{6})", sms.outbox[-1][1]).group(1)
    response = client.post(
        reverse("members:password_code_confirm"),
        {"identifier": member.card_number, "code": code, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "This password" not in text and "common" not in text
    member.refresh_from_db()
    assert member.user is None  # nothing written: the code stays usable
