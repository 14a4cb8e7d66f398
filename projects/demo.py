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


def _at(days: int, hour: int, base=None) -> datetime:
    return datetime.combine((base or DEMO_TODAY) + timedelta(days=days), time(hour), tzinfo=SHANGHAI)


def seed_offerings(*, district: Organisation, organiser_user: User, demo_year: int | None = None, today=None) -> int:
    """The sessions to book. With a demo policy year (seed_policy_year), they are the demo year's,
    starting 5 to 25 days after `today`, so a newcomer can book one on the day they run the demo; without one,
    the documents' years, dated from DEMO_TODAY."""
    created = 0
    for rule_id, printed_year, title, days, hour, place, capacity, facts in OFFERINGS:
        year = demo_year or printed_year
        if Offering.objects.filter(rule_id=rule_id, title=title, policy_year=year).exists():
            continue
        offering_create(
            user=organiser_user,
            rule_id=rule_id,
            policy_year=year,
            title=title,
            starts_at=_at(days - 30, hour, today) if demo_year else _at(days, hour),  # 5–25 days on
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


# --- The demo policy year (issue 13) -------------------------------------------------------------

DEMO_YEAR_NOTE = "演示年度：沿用2021年标准，非正式政策"
# Dates that are eligibility cut-offs, not windows: kept as the documents print them.
DEMO_KEEP_DATES = frozenset({"skill_certificate_issued_from", "patent_granted_from"})
# Windows that end before the demo's day once moved into the current year: they end on 31 December
# instead, so a newcomer can apply on the day they run the demo (labelled as a demonstration).
DEMO_WINDOW_ENDS = frozenset(
    {
        "flexible_care_checkup_due",
        "sanatorium_checkup_def_closes",
        "member_card_enrolment_closes",
        "member_card_city_condolence_diagnosed_to",
        "worker_school_apply_by",
        "worker_school_claim_by",
    }
)
DEMO_WINDOW_TABLES = {"skill_award_batches": ("opens", "closes"), "legal_checkup_phases": ("starts", "ends")}


def _moved(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def demo_windows(data, today) -> tuple[dict, dict]:
    """(params, tables) of the demo year: every dated window moved into `today`'s year (by whole
    years from the year it was printed in); a window that would then be closed ends on 31 December.
    Every amount, count and cut-off date stays as printed."""
    from datetime import date

    year_end = date(today.year, 12, 31)
    params = {}
    for name, param in data.params.items():
        if param.kind != "date" or name in DEMO_KEEP_DATES:
            continue
        printed = param.clause.carried_from or data.year
        moved = _moved(param.value, today.year - printed)
        if name in DEMO_WINDOW_ENDS and moved < today:
            moved = year_end
        if moved != param.value:
            params[name] = moved.isoformat()
    tables = {}
    for name, (opens, closes) in DEMO_WINDOW_TABLES.items():
        if name not in data.tables:
            continue
        table = data.tables[name]
        printed = table.clause.carried_from or data.year
        rows = table.to_json_rows()
        for row in rows:
            for column in (opens, closes):
                row[column] = _moved(date.fromisoformat(row[column]), today.year - printed).isoformat()
            if "batch" in row:
                row["batch"] = f"{today.year}年度（演示）"
        if date.fromisoformat(rows[-1][closes]) < today:
            rows[-1][closes] = year_end.isoformat()
        tables[name] = rows
    return params, tables


@transaction.atomic
def seed_policy_year(*, opener: User, publisher: User, today) -> int:
    """The demo policy year for `today`'s year, opened through the very service district staff use:
    from 2021, and from 2019 for the projects the 2021 document does not cover; every number
    unchanged, windows moved (demo_windows); published by a second district user from today.
    Labelled everywhere as a demonstration (DEMO_YEAR_NOTE). Idempotent: 0 when it exists."""
    from subsidies import services as policy
    from subsidies.models import PolicyYear
    from subsidies.selectors import policy_data

    year = today.year
    if PolicyYear.objects.filter(year=year).exists():
        return 0
    policy.policy_year_open(user=opener, year=year, source_year=2021, also_from=(2019,), note=DEMO_YEAR_NOTE)
    params, tables = demo_windows(policy_data(year), today)
    reason = "演示：受理期移至本年度，使新用户当天可以申请（非正式政策）"
    for name, value in sorted(params.items()):
        policy.policy_year_edit(user=opener, year=year, kind="param", name=name, value=value, reason=reason)
    for name, rows in sorted(tables.items()):
        policy.policy_year_edit(user=opener, year=year, kind="table", name=name, value=rows, reason=reason)
    policy.policy_year_publish(user=publisher, year=year, effective_from=today)
    return 1


def seed_demo_year_places(*, district_user: User, year: int) -> int:
    """The places the district hands out in the demo year, as it does each year: the 法律体检 places
    per street/town (2021 「法律体检」二: 全区30家, allocated to the streets), two each while the
    year's total lasts. Idempotent: a street that has its allocation keeps it."""
    from members.models import OrganisationLevel
    from projects.legal import selectors as legal_selectors
    from projects.legal.services import legal_checkup_allocate
    from projects.models import QuotaPool

    total = legal_selectors.checkup_district_total(year)
    left = total - legal_selectors.checkup_allocated(year)
    created = 0
    streets = Organisation.objects.filter(level=OrganisationLevel.STREET, is_active=True).order_by("code")
    for street in streets:
        if left <= 0:
            break
        if QuotaPool.objects.filter(key=legal_selectors.checkup_street_key(year, street)).exists():
            continue
        places = min(2, left)
        legal_checkup_allocate(user=district_user, street=street, policy_year=year, places=places)
        left -= places
        created += 1
    return created
