"""Demo data for the service projects: upcoming offerings to book and applications at
several stages, so members, reviewers and district staff each have something to do.

Deterministic (dates relative to members.demo.DEMO_TODAY) and idempotent (offerings by
title, applications by member and rule)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from members.demo import DEMO_MEMBER_CARD, DEMO_PASSWORD, DEMO_TODAY
from members.models import Member, Organisation, User
from projects.models import Application, Offering
from projects.services.errors import ApplicationError
from projects.services.offerings import offering_create
from projects.services.submission import application_submit
from projects.services.transitions import application_transition

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFERINGS = (
    # (rule, year, title, days after DEMO_TODAY, hour, place, capacity, fixed facts)
    ("singles_event", 2021, "嘉缘会·冬日读书交友会", 40, 14, "嘉定区工人文化宫", 60, {}),
    ("singles_event", 2021, "嘉缘会·新年户外徒步", 55, 9, "嘉定紫藤园", 40, {}),
    (
        "culture_class_booking",
        2019,
        "艺术课堂·古典吉他（初级）",
        35,
        19,
        "嘉定区工人文化宫三楼",
        25,
        {"programme": "art_class"},
    ),
    ("culture_class_booking", 2019, "历铁人·瑜伽体验课", 38, 18, "嘉定区职工健身中心", 30, {"programme": "iron_man"}),
    ("ticket_booking", 2019, "剧精彩·周末电影专场", 45, 14, "嘉定影剧院", 200, {"programme": "film"}),
    ("counselling_appointment", 2019, "个案心理咨询（周三下午）", 37, 14, "嘉定工会职工心理咨询室", 4, {}),
)


def _at(days: int, hour: int) -> datetime:
    return datetime.combine(DEMO_TODAY + timedelta(days=days), time(hour), tzinfo=SHANGHAI)


def seed_offerings(*, district: Organisation, organiser_user: User) -> int:
    created = 0
    for rule_id, year, title, days, hour, place, capacity, facts in OFFERINGS:
        if Offering.objects.filter(rule_id=rule_id, title=title).exists():
            continue
        offering_create(
            user=organiser_user,
            rule_id=rule_id,
            policy_year=year,
            title=title,
            starts_at=_at(days, hour),
            capacity=capacity,
            organiser=district,
            location=place,
            facts=facts,
        )
        created += 1
    return created


def _legal_aid(member: Member, claim_kind: str) -> Application | None:
    if Application.objects.filter(applicant_member=member, rule_id="legal_aid").exists():
        return None
    try:
        return application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": claim_kind}, member=member
        )
    except ApplicationError:
        return None


def _demo_login(member: Member, password_hash: str) -> None:
    """A portal login with the documented demo password. One precomputed hash for all demo
    applicants (demo data only: hashing each would make `make run` wait half a minute)."""
    if member.user_id is None:
        member.user = User.objects.create(username=member.card_number, first_name=member.name, password=password_hash)
        member.save(update_fields=["user"])


@transaction.atomic
def seed_applications(*, seed: int, reviewers: dict[str, User], count: int = 24) -> int:
    """Legal-aid applications (year-round, so they can be made on any day) at several stages.
    The same members every run (chosen by card number, whatever state they are in)."""
    from django.contrib.auth.hashers import make_password

    rng = random.Random(f"{seed}:applications")
    demo = Member.objects.select_related("user").get(card_number=DEMO_MEMBER_CARD)
    created = 0
    if _legal_aid(demo, "wages"):
        created += 1
    members = list(
        Member.objects.filter(employment_type__in=("employee", "migrant_worker"))
        .exclude(phone="")
        .exclude(card_number=DEMO_MEMBER_CARD)
        .order_by("card_number")[: count * 3]
    )
    password_hash = make_password(DEMO_PASSWORD)
    for member in rng.sample(members, min(count, len(members))):
        _demo_login(member, password_hash)
        application = _legal_aid(member, rng.choice(("wages", "work_injury", "other")))
        if application is None:
            continue
        created += 1
        roll = rng.random()
        if roll < 0.35:
            application_transition(
                user=reviewers["district"], application=application, action="approve", comment="符合法律援助条件"
            )
        elif roll < 0.45:
            application_transition(
                user=reviewers["district"], application=application, action="return", comment="请补充劳动合同或工资条"
            )
    return created
