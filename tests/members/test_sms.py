"""Production never logs SMS codes: the console backend is for development only."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from members import sms
from members.checks import CONSOLE_SMS_IN_PRODUCTION, sms_backend_check
from members.passwords_reset import SMS_UNAVAILABLE
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parent.parent.parent
CONSOLE = "members.sms.ConsoleBackend"
NOT_CONFIGURED = "members.sms.NotConfiguredBackend"
TEXT = "【嘉定工会】您的验证码是482913，10分钟内有效。"


def python(*args, **env) -> subprocess.CompletedProcess:
    """A fresh interpreter with production's environment (DEBUG and SMS_BACKEND as given)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "SMS_BACKEND",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base",
            "SECRET_KEY": "k3y-" + "a8Zq!x" * 10,
            "ALLOWED_HOSTS": "union.example.cn",
            **env,
        }
    )
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_run_checks_with_the_console_backend():
    result = python("manage.py", "check", DEBUG="0", SMS_BACKEND=CONSOLE)
    assert result.returncode != 0
    assert CONSOLE_SMS_IN_PRODUCTION in result.stderr and "ConsoleBackend" in result.stderr


def test_production_defaults_to_a_backend_that_sends_nothing():
    result = python(
        "-c", "import django; django.setup(); from django.conf import settings; print(settings.SMS_BACKEND)", DEBUG="0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == NOT_CONFIGURED


def test_the_check(settings):
    settings.DEBUG, settings.SMS_BACKEND = False, CONSOLE
    assert [error.id for error in sms_backend_check()] == [CONSOLE_SMS_IN_PRODUCTION]
    settings.DEBUG = True
    assert sms_backend_check() == []
    settings.DEBUG, settings.SMS_BACKEND = False, NOT_CONFIGURED
    assert sms_backend_check() == []


def test_the_console_backend_never_logs_a_code_with_debug_off(settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.DEBUG), pytest.raises(sms.SmsUnavailable):
        sms.ConsoleBackend().send("13512340000", TEXT)
    assert "482913" not in caplog.text and "13512340000" not in caplog.text
    assert "ConsoleBackend only works with DEBUG on" in caplog.text


def test_the_console_backend_logs_in_development(settings, caplog):
    settings.DEBUG = True
    with caplog.at_level(logging.INFO):
        sms.ConsoleBackend().send("13512340000", TEXT)
    assert "482913" in caplog.text and "13512340000" not in caplog.text  # the phone is masked


def test_without_a_gateway_an_error_is_logged_without_the_code(caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(sms.SmsUnavailable):
        sms.NotConfiguredBackend().send("13512340000", TEXT)
    assert "no SMS gateway is configured" in caplog.text and "482913" not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [NOT_CONFIGURED, CONSOLE])
@pytest.mark.parametrize("identifier", ["3100000888", "3100009999"])
def test_without_a_gateway_the_password_page_says_so_for_every_account(client, settings, caplog, backend, identifier):
    settings.DEBUG, settings.SMS_BACKEND = False, backend
    MemberFactory(card_number="3100000888", phone="13512340000")
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("members:password_code"), {"identifier": identifier})
    assert response.status_code == 200
    assert SMS_UNAVAILABLE in response.content.decode()
    assert "验证码是" not in caplog.text
