"""Members set their password with a code sent to the registered phone; no account enumeration,
and no way to send hundreds of messages."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services, sms, tasks
from members.passwords_reset import CODE_WRONG, SENT, password_code_confirm, password_code_request
from tests.factories import MemberFactory
from tests.members.test_signin import CountingHasher

pytestmark = pytest.mark.django_db
NEW = "Quiet-river-72"
ADDRESS = "10.0.0.8"
TOO_FREQUENT_1 = "请求过于频繁，请1分钟后再试。"


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()


@pytest.fixture
def member():
    return MemberFactory(card_number="3100000888", phone="13512340000")


@pytest.fixture
def clock():
    with time_machine.travel("2026-11-25 10:00:30 +0800", tick=False) as traveller:
        yield traveller


def sent_code(django_capture_on_commit_callbacks, identifier, address=ADDRESS) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        assert password_code_request(identifier=identifier, client_address=address) == SENT
    phone, text = sms.outbox[-1]
    return re.search(r"验证码是(\d{6})", text).group(1)


def ask(client, identifier, address=ADDRESS):
    return client.post(reverse("members:password_code"), {"identifier": identifier}, REMOTE_ADDR=address)


def test_first_login_creates_the_account(client, member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    assert sms.outbox[-1][0] == "13512340000"
    user = password_code_confirm(identifier="13512340000", code=code, new_password=NEW)
    member.refresh_from_db()
    assert member.user == user
    assert client.post(reverse("members:login"), {"username": "3100000888", "password": NEW}).status_code == 302


def test_unknown_identifier_gets_the_same_answer_and_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert password_code_request(identifier="3100009999", client_address=ADDRESS) == SENT
    assert sms.outbox == []


def test_asking_does_the_same_work_for_a_registered_and_an_unknown_phone(
    member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PASSWORD_HASHERS = ["tests.members.test_signin.CountingHasher"]
    CountingHasher.calls = 0
    queued = []
    monkeypatch.setattr(tasks.send_password_code, "delay", queued.append)  # the worker's side, run below
    answers, queries = [], []
    for phone in ("13512340000", "13512349999"):
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as captured:
            response = ask(Client(), phone)
        answers.append((response.status_code, [m.message for m in response.wsgi_request._messages]))
        queries.append([query["sql"] for query in captured.captured_queries])
    assert answers[0] == answers[1] == (302, [SENT])
    assert queries[0] == queries[1]
    assert queued == ["13512340000", "13512349999"]

    for phone in queued:  # in the worker, which texts the code after its own commit
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_password_code(phone)
    assert [phone for phone, _ in sms.outbox] == ["13512340000"]
    assert CountingHasher.calls == 0  # codes are an HMAC, not a password hash


def test_wrong_code_counts_and_five_wrong_codes_burn_it(member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    for _ in range(5):
        with pytest.raises(ValidationError, match=CODE_WRONG):
            password_code_confirm(
                identifier="3100000888", code="000000" if code != "000000" else "111111", new_password=NEW
            )
    with pytest.raises(ValidationError, match=CODE_WRONG):
        password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


def test_codes_expire_after_ten_minutes(member, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False) as traveller:
        code = sent_code(django_capture_on_commit_callbacks, "3100000888")
        traveller.shift(timedelta(minutes=10, seconds=1))
        with pytest.raises(ValidationError, match=CODE_WRONG):
            password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


@pytest.mark.parametrize("identifier", ["3100000888", "3100009999"])
def test_the_same_identifier_once_a_minute_registered_or_not(
    client, member, clock, identifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, identifier).status_code == 302
        response = ask(client, identifier, address="10.0.0.9")
    assert response.status_code == 429
    assert TOO_FREQUENT_1 in response.content.decode()
    assert len(sms.outbox) == (1 if identifier == "3100000888" else 0)
    clock.shift(timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, identifier).status_code == 302


def test_card_number_then_phone_within_a_minute_sends_one_message(
    client, member, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "3100000888").status_code == 302
        assert ask(client, "13512340000").status_code == 302  # the same answer: nothing says it is one member
    assert len(sms.outbox) == 1


def test_five_messages_a_day_per_member(client, member, clock, django_capture_on_commit_callbacks):
    for _ in range(7):
        with django_capture_on_commit_callbacks(execute=True):
            assert ask(client, "3100000888").status_code == 302
        clock.shift(timedelta(minutes=2))
    assert len(sms.outbox) == 5


def test_one_address_cannot_text_hundreds_of_phones(client, settings, clock, django_capture_on_commit_callbacks):
    settings.SMS_CODE_LIMITS["address"] = {"count": 3, "period": timedelta(hours=1)}
    for n in range(3):
        MemberFactory(phone=f"1361234000{n}")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert ask(client, f"1361234000{n}").status_code == 302
        response = ask(client, "13612340004")
        assert ask(Client(), "13612340005", address="10.0.0.99").status_code == 302  # another address may
    assert response.status_code == 429
    assert "请求过于频繁，请60分钟后再试。" in response.content.decode()  # the hour started at 10:00
    assert len(sms.outbox) == 3


def test_the_portal_stops_after_its_hourly_limit(client, settings, clock, django_capture_on_commit_callbacks):
    settings.SMS_CODE_LIMITS["portal"] = {"count": 4, "period": timedelta(hours=1)}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            assert ask(Client(), f"1361234100{n}", address=f"10.0.1.{n}").status_code == 302
        response = ask(client, "13612341009", address="10.0.2.1")
    assert response.status_code == 429
    assert "请求过于频繁，请60分钟后再试。" in response.content.decode()
    clock.shift(timedelta(minutes=60))
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "13612341009", address="10.0.2.1").status_code == 302


def test_a_weak_password_is_refused_and_the_code_stays_usable(member, django_capture_on_commit_callbacks):
    code = sent_code(django_capture_on_commit_callbacks, "3100000888")
    with pytest.raises(ValidationError):
        password_code_confirm(identifier="3100000888", code=code, new_password="12345678")
    password_code_confirm(identifier="3100000888", code=code, new_password=NEW)


def test_a_locked_out_member_who_sets_a_new_password_signs_in_at_once(
    client, member, settings, django_capture_on_commit_callbacks
):
    settings.AXES_ENABLED = True
    services.member_account_create(member=member, password="Old-password-71")
    for identifier in ("3100000888", "13512340000") * 3:
        client.post(reverse("members:login"), {"username": identifier, "password": "forgot"}, REMOTE_ADDR=ADDRESS)
    code = sent_code(django_capture_on_commit_callbacks, "13512340000")
    password_code_confirm(identifier="13512340000", code=code, new_password=NEW)
    response = client.post(reverse("members:login"), {"username": "13512340000", "password": NEW}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302


def test_the_pages(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:password_code"), {"identifier": "3100000888"})
    assert response.status_code == 302
    code = re.search(r"验证码是(\d{6})", sms.outbox[-1][1]).group(1)
    response = client.post(
        reverse("members:password_code_confirm"),
        {"identifier": "3100000888", "code": code, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
