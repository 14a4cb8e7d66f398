"""Members set their password with a code sent to the registered phone; no account enumeration."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import sms
from members.passwords_reset import CODE_WRONG, SENT, password_code_confirm, password_code_request
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
NEW = "Quiet-river-72"


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()


@pytest.fixture
def member():
    return MemberFactory(card_number="3100000888", phone="13512340000")


def sent_code(django_capture_on_commit_callbacks, identifier) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        assert password_code_request(identifier=identifier) == SENT
    phone, text = sms.outbox[-1]
    return re.search(r"验证码是(\d{6})", text).group(1)


def test_first_login_creates_the_account(client, member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    assert sms.outbox[-1][0] == "13512340000"
    user = password_code_confirm(identifier="13512340000", code=code, new_password=NEW)
    member.refresh_from_db()
    assert member.user == user
    assert client.post(reverse("members:login"), {"username": "3100000888", "password": NEW}).status_code == 302


def test_unknown_identifier_gets_the_same_answer_and_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert password_code_request(identifier="3100009999") == SENT
    assert sms.outbox == []


def test_wrong_code_counts_and_five_wrong_codes_burn_it(member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    for _ in range(5):
        with pytest.raises(ValidationError, match=CODE_WRONG):
            password_code_confirm(identifier="3100000888", code="000000" if code != "000000" else "111111",
                                  new_password=NEW)
    with pytest.raises(ValidationError, match=CODE_WRONG):
        password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


def test_codes_expire_after_ten_minutes(member, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False) as traveller:
        code = sent_code(django_capture_on_commit_callbacks, "3100000888")
        traveller.shift(timedelta(minutes=10, seconds=1))
        with pytest.raises(ValidationError, match=CODE_WRONG):
            password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


def test_one_code_a_minute(member, django_capture_on_commit_callbacks):
    sent_code(django_capture_on_commit_callbacks, "3100000888")
    with django_capture_on_commit_callbacks(execute=True):
        password_code_request(identifier="3100000888")
    assert len(sms.outbox) == 1


def test_a_weak_password_is_refused_and_the_code_stays_usable(member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    with pytest.raises(ValidationError):
        password_code_confirm(identifier="3100000888", code=code, new_password="12345678")
    password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


def test_the_pages(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:password_code"), {"identifier": "3100000888"})
    assert response.status_code == 302
    code = re.search(r"验证码是(\d{6})", sms.outbox[-1][1]).group(1)
    response = client.post(reverse("members:password_code_confirm"), {
        "identifier": "3100000888", "code": code, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
