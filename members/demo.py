"""Deterministic demo data: units per street/town, members, dues, staff logins.

Also the benchmark data generator (bench/seed_members.py): members are made in
chunks with bulk inserts, so a million rows fit in minutes, not hours.

Determinism: member *i* is generated from its own RNG seeded by (seed, i), and
every date is relative to the fixed DEMO_TODAY, so the same arguments give the
same rows on any machine and on any day. Idempotence: rows whose card number,
ID number or phone already exist are skipped, so a second run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from jiading_union.bulk import insert_rows
from subsidies.rules.vocabulary import FLEXIBLE_INDUSTRIES

from .identity import id_check_char
from .models import DuesRecord, Member, Organisation, OrganisationLevel, StaffRole, User

DEMO_TODAY = date(2026, 11, 1)
DEMO_PASSWORD = "Jiading@2026"
DEMO_MEMBER_CARD = "3000000001"
# Generated members have 31… cards and 13… phones; the demo member's are outside both ranges.
DEMO_MEMBER_PHONE = "18800000001"
_DEMO_ID_FIRST17 = "31011419900315002"
DEMO_MEMBER_ID = _DEMO_ID_FIRST17 + id_check_char(_DEMO_ID_FIRST17)
DISTRICT_CODE = "JD"
DEMO_STREET_CODE = "JD-XCL"
CHUNK_SIZE = 5000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰萍红志强文博宇浩然子涵欣怡梓轩雨萱"
    "晨佳琪思远嘉怡俊杰婷雪梅海燕德明晓东丹宏伟春燕立新永刚卫东建华金凤翠英晓红玲慧丽娟亮斌辉鹏飞"
)
# 行政区划代码: Jiading first, then other Shanghai districts and the provinces most members come from.
JIADING_REGION = "310114"
SHANGHAI_REGIONS = ("310101", "310104", "310105", "310106", "310107", "310110", "310112", "310113", "310115")
PROVINCE_REGIONS = (
    "320102",
    "320583",
    "340103",
    "341202",
    "410102",
    "411302",
    "510104",
    "511302",
    "430102",
    "360102",
    "420102",
    "370102",
    "130102",
    "230102",
    "330106",
    "350102",
)
FIRM_WORDS = (
    "嘉汇 安达 汇众 恒通 鸿泰 博远 翔宇 银杏 菊城 汽博 新成 华亭 远景 金马 德润 汇丰 协力 南方 永盛 启航 "
    "同创 东方 天马 福瑞 明珠 九州 申嘉 锦程 瑞丰 宏远 卓越 精工 和信 众联 华域 科创"
).split()
FIRM_KINDS = (
    ("C", "汽车零部件有限公司", "enterprise"),
    ("C", "精密机械有限公司", "enterprise"),
    ("C", "电子科技有限公司", "enterprise"),
    ("F", "商贸有限公司", "enterprise"),
    ("G", "物流有限公司", "enterprise"),
    ("H", "餐饮管理有限公司", "enterprise"),
    ("I", "信息技术有限公司", "enterprise"),
    ("K", "物业管理有限公司", "enterprise"),
    ("M", "检测技术有限公司", "enterprise"),
    ("E", "建设工程有限公司", "enterprise"),
)
INDUSTRY_UNIT_KINDS = {
    "JD-IND-EDU": (("P", "学校", "institution"), ("P", "幼儿园", "institution")),
    "JD-IND-HEALTH": (("Q", "社区卫生服务中心", "institution"), ("Q", "医院", "institution")),
    "JD-IND-BUILD": (("E", "建设工程有限公司", "enterprise"), ("G", "公交有限公司", "enterprise")),
    "JD-IND-EXPRESS": (("G", "快递有限公司", "enterprise"), ("G", "速运有限公司", "enterprise")),
}
FLEXIBLE_INDUSTRY_CODES = tuple(FLEXIBLE_INDUSTRIES)


@dataclass
class SeedReport:
    units_created: int = 0
    members_created: int = 0
    members_skipped: int = 0
    dues_created: int = 0
    users_created: int = 0


def _rng(seed: int, *key: object) -> random.Random:
    return random.Random(":".join(str(k) for k in (seed, *key)))


def _units_per_street(members: int) -> int:
    return max(3, min(500, members // 2000))


def _street_short_name(street: Organisation) -> str:
    return street.name.replace("总工会", "").replace("街道", "").replace("工会", "")


def ensure_units(*, seed: int, members: int) -> tuple[list[Organisation], int]:
    """Grassroots units under every street/town/industry union, plus one
    sanitation operator per street/town. Returns (units, how many were new)."""
    call_command("loaddata", "organisations", verbosity=0)
    streets = list(Organisation.objects.filter(level=OrganisationLevel.STREET).order_by("code"))
    per_street = _units_per_street(members)
    wanted: list[Organisation] = []
    for street in streets:
        kinds = INDUSTRY_UNIT_KINDS.get(street.code, FIRM_KINDS)
        for index in range(per_street):
            rng = _rng(seed, "unit", street.code, index)
            industry, suffix, unit_type = kinds[index % len(kinds)]
            sanitation = index == 1 and street.street_kind != "industry"
            if sanitation:
                industry, suffix, unit_type = "N", "环境卫生服务有限公司", "enterprise"
            name = f"上海{_street_short_name(street)}{rng.choice(FIRM_WORDS)}{suffix}"
            wanted.append(
                Organisation(
                    code=f"{street.code}-U{index:04d}",
                    name=f"{name}工会委员会" if not name.endswith("工会") else name,
                    level=OrganisationLevel.GRASSROOTS,
                    parent=street,
                    street=street,
                    unit_type=unit_type,
                    industry=industry,
                    employee_count=rng.choice((12, 35, 60, 85, 120, 240, 560, 1300)),
                    union_established=rng.random() > 0.05,
                    is_sanitation_operator=sanitation,
                    address=f"上海市嘉定区{_street_short_name(street)}{rng.randint(1, 2999)}号",
                )
            )
    existing = set(Organisation.objects.filter(code__in=[u.code for u in wanted]).values_list("code", flat=True))
    new = [u for u in wanted if u.code not in existing]
    Organisation.objects.bulk_create(new, batch_size=CHUNK_SIZE)
    units = list(
        Organisation.objects.filter(code__in=[u.code for u in wanted]).select_related("street").order_by("code")
    )
    return units, len(new)


def _national_id(rng: random.Random, region: str, birth: date, taken: set[str]) -> str:
    sequence = rng.randint(0, 999)
    while True:
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + id_check_char(first17)
        if number not in taken:
            taken.add(number)
            return number
        sequence = (sequence + 1) % 1000


def _given_name(rng: random.Random) -> str:
    return "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))


def _money(value: float | int) -> Decimal:
    return Decimal(int(value)).quantize(Decimal("0.01"))


class MemberGenerator:
    """Member *i* is a function of (seed, i) and the unit list only."""

    def __init__(self, *, seed: int, units: list[Organisation], streets: list[Organisation]):
        self.seed = seed
        self.regular_units = [u for u in units if not u.is_sanitation_operator]
        self.sanitation_units = [u for u in units if u.is_sanitation_operator]
        # Flexible workers belong to a street/town or park union, or the express industry union.
        self.flexible_unions = [s for s in streets if s.street_kind != "industry" or s.code == "JD-IND-EXPRESS"]
        seed_rng = _rng(seed, "identifiers")
        # Affine bijections on [0, 10^8) and [0, 10^9): unique card numbers and phones by construction.
        self.card_a, self.card_b = seed_rng.randrange(1, 10**8, 2) | 1, seed_rng.randrange(10**8)
        while self.card_a % 5 == 0:
            self.card_a += 2
        self.phone_a, self.phone_b = seed_rng.randrange(1, 10**9, 2) | 1, seed_rng.randrange(10**9)
        while self.phone_a % 5 == 0:
            self.phone_a += 2
        self.taken_ids: set[str] = {DEMO_MEMBER_ID}
        self.created_at = timezone.now()

    def card_number(self, i: int) -> str:
        return f"31{(self.card_a * i + self.card_b) % 10**8:08d}"

    def phone(self, i: int) -> str:
        return f"13{(self.phone_a * i + self.phone_b) % 10**9:09d}"

    def member(self, i: int) -> tuple[dict, dict]:
        """(member row, dues row) as dicts keyed by attname, for jiading_union.bulk."""
        rng = _rng(self.seed, "member", i)
        roll = rng.random()
        employment = (
            "employee"
            if roll < 0.78
            else "migrant_worker"
            if roll < 0.88
            else "flexible_worker"
            if roll < 0.96
            else "sanitation_worker"
        )
        if employment == "flexible_worker":
            organisation = rng.choice(self.flexible_unions)
            street = organisation
        else:
            organisation = rng.choice(
                self.sanitation_units if employment == "sanitation_worker" else self.regular_units
            )
            street = organisation.street
        age = rng.choices(
            (rng.randint(18, 29), rng.randint(30, 44), rng.randint(45, 59), rng.randint(60, 64)),
            weights=(30, 40, 26, 4),
        )[0]
        birth = DEMO_TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        if employment in ("migrant_worker", "flexible_worker", "sanitation_worker") and rng.random() < 0.75:
            region = rng.choice(PROVINCE_REGIONS)
        else:
            region = JIADING_REGION if rng.random() < 0.8 else rng.choice(SHANGHAI_REGIONS)
        id_number = _national_id(rng, region, birth, self.taken_ids)
        income_ranges = {
            "employee": (3500, 26000),
            "migrant_worker": (2600, 8000),
            "flexible_worker": (2500, 9000),
            "sanitation_worker": (2600, 5200),
        }
        low, high = income_ranges[employment]
        monthly_income = _money(rng.triangular(low, high, low + (high - low) * 0.25))
        joined = DEMO_TODAY - timedelta(days=rng.randint(30, 20 * 365))
        card_issued = (
            joined + timedelta(days=rng.randint(0, (DEMO_TODAY - joined).days)) if rng.random() < 0.9 else None
        )
        if age < 25:
            marital = "single" if rng.random() < 0.9 else "married"
        elif age < 36:
            marital = rng.choice(("single", "married"))
        else:
            marital = rng.choices(("married", "divorced", "single", "widowed"), weights=(85, 8, 5, 2))[0]
        hardship = rng.random() < 0.02
        member = {
            "card_number": self.card_number(i),
            "name": rng.choice(SURNAMES) + _given_name(rng),
            "id_number": id_number,
            "id_number_last4": id_number[-4:],
            "birth_date": birth,
            "sex": "M" if int(id_number[16]) % 2 else "F",
            "phone": self.phone(i),
            "organisation_id": organisation.pk,
            "street_id": street.pk,
            "employment_type": employment,
            "flexible_industry": rng.choice(FLEXIBLE_INDUSTRY_CODES) if employment == "flexible_worker" else "",
            "monthly_income": monthly_income,
            "joined_union_on": joined,
            "card_issued_on": card_issued,
            "has_city_medical_insurance": employment != "flexible_worker" or rng.random() < 0.3,
            "marital_status": marital,
            "hardship_certified_by_id": street.pk if hardship else None,
            "hardship_certified_on": DEMO_TODAY - timedelta(days=rng.randint(10, 700)) if hardship else None,
            "user_id": None,
            "is_active": True,
            "created_at": self.created_at,
            "updated_at": self.created_at,
        }
        if employment == "flexible_worker":
            in_one_go = rng.random() < 0.6
            dues = {
                "year": DEMO_TODAY.year,
                "amount": _money(120 if in_one_go else 10),
                "paid_in_one_go": in_one_go,
                "paid_on": date(DEMO_TODAY.year, 1, 1) + timedelta(days=rng.randint(0, 250)),
            }
        else:
            dues = {
                "year": DEMO_TODAY.year,
                "amount": (monthly_income * Decimal("0.005")).quantize(Decimal("0.01")),
                "paid_in_one_go": False,
                "paid_on": date(DEMO_TODAY.year, DEMO_TODAY.month, 1),
            }
        return member, dues


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def seed_members(
    *, generator: MemberGenerator, count: int, report: SeedReport, progress: Callable[[int], None] | None = None
) -> None:
    for indexes in _chunks(count, CHUNK_SIZE):
        pairs = [generator.member(i) for i in indexes]
        with transaction.atomic():
            existing_cards = set(
                Member.objects.filter(card_number__in=[m["card_number"] for m, _ in pairs]).values_list(
                    "card_number", flat=True
                )
            )
            existing_ids = set(
                Member.objects.filter(id_number__in=[m["id_number"] for m, _ in pairs]).values_list(
                    "id_number", flat=True
                )
            )
            existing_phones = set(
                Member.objects.filter(phone__in=[m["phone"] for m, _ in pairs]).values_list("phone", flat=True)
            )
            fresh = [
                (m, d)
                for m, d in pairs
                if m["card_number"] not in existing_cards
                and m["id_number"] not in existing_ids
                and m["phone"] not in existing_phones
            ]
            member_ids = insert_rows(Member, [m for m, _ in fresh], with_ids=True)
            for member_id, (_, dues) in zip(member_ids, fresh, strict=True):
                dues["member_id"] = member_id
            insert_rows(DuesRecord, [d for _, d in fresh])
        report.members_created += len(fresh)
        report.members_skipped += len(pairs) - len(fresh)
        report.dues_created += len(fresh)
        if progress:
            progress(indexes.stop)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    organisation: str


def ensure_demo_logins(*, units: list[Organisation], report: SeedReport) -> list[DemoLogin]:
    from . import services  # services import models; keep module import light for the bench

    district = Organisation.objects.get(code=DISTRICT_CODE)
    street = Organisation.objects.get(code=DEMO_STREET_CODE)
    unit = next(u for u in units if u.street_id == street.pk and not u.is_sanitation_operator)
    staff = (
        ("admin", None, district, "系统管理员"),
        ("district", StaffRole.DISTRICT, district, "区总工会审核员"),
        # A second district user: what one district user prepares (a payout batch, a policy year),
        # another confirms or publishes.
        ("district2", StaffRole.DISTRICT, district, "区总工会复核员"),
        ("street", StaffRole.STREET, street, "新成路街道审核员"),
        ("grassroots", StaffRole.GRASSROOTS, unit, "基层工会审核员"),
    )
    logins = []
    for username, role, organisation, full_name in staff:
        if not User.objects.filter(username=username).exists():
            if role is None:
                User.objects.create_superuser(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=StaffRole.DISTRICT,
                    organisation=organisation,
                    first_name=full_name,
                )
            else:
                services.staff_user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    organisation=organisation,
                    full_name=full_name,
                )
            report.users_created += 1
        logins.append(DemoLogin(role or "superuser", username, DEMO_PASSWORD, organisation.name))

    member = Member.objects.filter(card_number=DEMO_MEMBER_CARD).select_related("user").first()
    if member is None:
        member = services.member_create(
            card_number=DEMO_MEMBER_CARD,
            name="张伟",
            id_number=DEMO_MEMBER_ID,
            organisation=unit,
            phone=DEMO_MEMBER_PHONE,
            monthly_income=Decimal("6800.00"),
            joined_union_on=date(2015, 3, 1),
            card_issued_on=date(2015, 3, 20),
            marital_status="single",
        )
        services.dues_record_create(
            member=member,
            year=DEMO_TODAY.year,
            amount=Decimal("34.00"),
            paid_on=date(DEMO_TODAY.year, 1, 10),
            paid_in_one_go=False,
        )
    if member.user_id is None:
        services.member_account_create(member=member, password=DEMO_PASSWORD)
        report.users_created += 1
    logins.insert(0, DemoLogin("member", DEMO_MEMBER_CARD, DEMO_PASSWORD, member.organisation.name))
    return logins


def seed_demo(
    *, members: int, seed: int, progress: Callable[[int], None] | None = None
) -> tuple[SeedReport, list[DemoLogin]]:
    report = SeedReport()
    units, report.units_created = ensure_units(seed=seed, members=members)
    streets = list(Organisation.objects.filter(level=OrganisationLevel.STREET).order_by("code"))
    generator = MemberGenerator(seed=seed, units=units, streets=streets)
    seed_members(generator=generator, count=members, report=report, progress=progress)
    logins = ensure_demo_logins(units=units, report=report)
    return report, logins
