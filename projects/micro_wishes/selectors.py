"""Reads for “微心愿”. There is deliberately no public list: the wishes are hardship members'."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Member, User
from members.selectors import scope_for
from projects.models import Application

from .models import MicroWish


def wish_applications_of_member(member: Member) -> QuerySet[Application]:
    """The member's own micro-wish applications, each with its published wish if any."""
    return (
        Application.objects.filter(applicant_member=member, rule_id="micro_wish")
        .select_related("micro_wish")
        .order_by("-created_at")
    )


def wish_of_member(member: Member, pk: int) -> MicroWish | None:
    """The member's own wish, or None — never someone else's."""
    return MicroWish.objects.select_related("application").filter(pk=pk, application__applicant_member=member).first()


def wishes_visible_to(user: User) -> QuerySet[MicroWish]:
    return scope_for(user).filter(
        MicroWish.objects.select_related("application", "application__applicant_member"),
        organisation="application__organisation",
        street="application__street",
    )
