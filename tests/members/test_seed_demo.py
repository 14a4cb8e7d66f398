import hashlib

import pytest
from django.core.management import call_command
from django.test import Client

from members.demo import DEMO_MEMBER_CARD, DEMO_PASSWORD, MemberGenerator
from members.identity import parse_id_number
from members.models import DuesRecord, Member, Organisation, User

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    digest = hashlib.sha256()
    for row in Member.objects.order_by("card_number").values_list(
        "card_number", "name", "id_number", "phone", "organisation__code", "employment_type", "monthly_income"
    ):
        digest.update(repr(row).encode())
    return (
        Organisation.objects.count(),
        Member.objects.count(),
        DuesRecord.objects.count(),
        User.objects.count(),
        digest.hexdigest(),
    )


def test_seeding_twice_changes_nothing():
    call_command("seed_demo", members=300, seed=7, stdout=open("/dev/null", "w"))
    first = snapshot()
    call_command("seed_demo", members=300, seed=7, stdout=open("/dev/null", "w"))
    assert snapshot() == first
    assert first[1] == 301  # 300 generated + the demo member


def test_same_seed_gives_the_same_members_and_every_id_is_valid():
    call_command("seed_demo", members=200, seed=11, stdout=open("/dev/null", "w"))
    units = list(Organisation.objects.filter(level="grassroots").select_related("street").order_by("code"))
    streets = list(Organisation.objects.filter(level="street").order_by("code"))
    regenerated = [MemberGenerator(seed=11, units=units, streets=streets).member(i)[0] for i in range(200)]
    stored = {m.card_number: m for m in Member.objects.exclude(card_number=DEMO_MEMBER_CARD)}
    assert {row["card_number"] for row in regenerated} == set(stored)
    for row in regenerated:
        member = stored[row["card_number"]]
        assert (member.id_number, member.name, member.organisation_id) == (
            row["id_number"],
            row["name"],
            row["organisation_id"],
        )
        national_id = parse_id_number(member.id_number)
        assert (national_id.birth_date, national_id.sex) == (member.birth_date, member.sex)
        assert member.street_id == (member.organisation.street_id)


def test_demo_logins_work():
    call_command("seed_demo", members=50, seed=1, stdout=open("/dev/null", "w"))
    for username in (DEMO_MEMBER_CARD, "grassroots", "street", "district", "admin"):
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
