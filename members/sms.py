"""Text messages to members' registered phones.

The backend is a setting (SMS_BACKEND): production plugs the union's SMS gateway in as a class
with send(phone, text) (and, optionally, available()). Until it has one, production runs
NotConfiguredBackend: the password page says the service is not available yet and nothing is
sent. Development logs messages with ConsoleBackend, which refuses to work with DEBUG off — a
code in a log is a password reset for whoever reads the log (members.checks refuses that
setting too). Tests keep an outbox (LocmemBackend).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .identity import mask_phone

logger = logging.getLogger(__name__)
outbox: list[tuple[str, str]] = []  # LocmemBackend's messages, for tests


class SmsUnavailable(Exception):
    """No message was sent: there is no SMS gateway to send it through."""


class ConsoleBackend:
    """Development only: writes the message, code included, to the log."""

    def available(self) -> bool:
        return settings.DEBUG

    def send(self, phone: str, text: str) -> None:
        if not settings.DEBUG:
            logger.error(
                "SMS to %s not sent: ConsoleBackend only works with DEBUG on (it would log the text)", mask_phone(phone)
            )
            raise SmsUnavailable("ConsoleBackend is for development (DEBUG) only")
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class LocmemBackend:
    def available(self) -> bool:
        return True

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


class NotConfiguredBackend:
    """Production's default until the union's SMS gateway is plugged in."""

    def available(self) -> bool:
        return False

    def send(self, phone: str, text: str) -> None:
        logger.error("SMS to %s not sent: no SMS gateway is configured (set SMS_BACKEND)", mask_phone(phone))
        raise SmsUnavailable("SMS_BACKEND is not configured")


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def sms_available() -> bool:
    """Whether messages can be sent at all (the same answer for every phone)."""
    available = getattr(get_backend(), "available", None)
    return True if available is None else bool(available())


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
