"""Text messages to members' registered phones.

The backend is a setting (SMS_BACKEND). Development logs the message; tests keep
an outbox; production plugs the union's SMS gateway in with the same send().
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .identity import mask_phone

logger = logging.getLogger(__name__)
outbox: list[tuple[str, str]] = []  # LocmemBackend's messages, for tests


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class LocmemBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "SMS_BACKEND", "members.sms.ConsoleBackend"))
    backend().send(phone, text)
