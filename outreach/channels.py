"""The channels a reminder goes out through, behind one interface.

Inbox (projects.Notification) always; e-mail through Django's e-mail backend and SMS through the
members app's SMS backend (members.sms: console in development, refused in production until a
gateway is configured) when the person chose them (ChannelPreference). Members get one message per
reminder; staff one digest a day with every item.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from members.sms import SmsUnavailable, send_sms, sms_available
from projects.models import Notification

from .models import ChannelPreference, Reminder

logger = logging.getLogger(__name__)

DIGEST_TITLE = "今日待办提醒（{count}项）"
OPEN_AT = "办理入口：{url}"


@dataclass(frozen=True)
class Message:
    user_id: int
    email: str
    phone: str
    title: str
    body: str
    url: str


class Channel:
    name = ""

    def wanted(self, preference: ChannelPreference | None) -> bool:
        raise NotImplementedError

    def send(self, messages: list[Message]) -> list[Message]:
        """Send what can be sent; returns the messages that went out."""
        raise NotImplementedError


class InboxChannel(Channel):
    name = "inbox"

    def wanted(self, preference):
        return True

    def send(self, messages):
        Notification.objects.bulk_create(
            [Notification(recipient_id=m.user_id, title=m.title, body=m.body, link=m.url) for m in messages]
        )
        return messages


class EmailChannel(Channel):
    name = "email"

    def wanted(self, preference):
        return preference is not None and preference.email

    def send(self, messages):
        messages = [m for m in messages if m.email]
        if not messages:
            return []
        emails = [
            EmailMessage(subject=m.title, body=f"{m.body}\n\n{OPEN_AT.format(url=m.url)}", to=[m.email])
            for m in messages
        ]
        connection = get_connection(fail_silently=False)
        try:
            connection.send_messages(emails)
        except Exception:  # a mail server down must not stop the inbox nor the other reminders
            logger.exception("reminder e-mails not sent")
            return []
        return messages


class SmsChannel(Channel):
    name = "sms"

    def wanted(self, preference):
        return preference is not None and preference.sms

    def send(self, messages):
        messages = [m for m in messages if m.phone]
        if not messages or not sms_available():
            return []
        sent = []
        for m in messages:
            try:
                send_sms(m.phone, f"{m.title}：{m.body}")
            except SmsUnavailable:
                return sent
            sent.append(m)
        return sent


CHANNELS: tuple[Channel, ...] = (InboxChannel(), EmailChannel(), SmsChannel())


def _preference(user) -> ChannelPreference | None:
    try:
        return user.reminder_channels
    except ChannelPreference.DoesNotExist:
        return None


def _phone(user) -> str:
    try:
        return user.member.phone or ""
    except Exception:  # no member record behind a staff login
        return ""


def deliver_messages(rows: list[Reminder], *, today: date, site: str = "") -> None:
    """Deliver locked, unsent reminders and mark them sent (inside the caller's transaction)."""
    now = timezone.now()
    per_user: dict[int, list[Reminder]] = defaultdict(list)
    for row in rows:
        per_user[row.recipient_id].append(row)
    outgoing: list[tuple[Message, list[Reminder]]] = []
    for items in per_user.values():
        user = items[0].recipient
        staff = [r for r in items if r.for_staff]
        members = [r for r in items if not r.for_staff]
        for r in members:
            url = site + reverse("outreach:open", args=[r.pk])
            outgoing.append((Message(user.pk, user.email, _phone(user), r.title, r.body, url), [r]))
        if staff:
            body = "\n".join(
                f"{i}. {r.title}：{r.body}（{site}{reverse('outreach:open', args=[r.pk])}）"
                for i, r in enumerate(staff, 1)
            )
            url = site + reverse("outreach:mine")
            title = DIGEST_TITLE.format(count=len(staff))
            outgoing.append((Message(user.pk, user.email, _phone(user), title, body, url), staff))
    channels_of: dict[int, list[str]] = defaultdict(list)
    for channel in CHANNELS:
        chosen = [(m, rs) for m, rs in outgoing if channel.wanted(_preference(rs[0].recipient))]
        sent = {id(m) for m in channel.send([m for m, _ in chosen])}
        for m, rs in chosen:
            if id(m) in sent:
                for r in rs:
                    channels_of[r.pk].append(channel.name)
    for row in rows:
        row.sent_at = now
        row.channels = channels_of.get(row.pk, [])
    Reminder.objects.bulk_update(rows, ["sent_at", "channels"], batch_size=1000)
