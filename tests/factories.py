"""factory-boy factories shared by the suite. Use .build() when no database is needed."""

from datetime import date
from decimal import Decimal

import factory

from members.identity import id_check_char
from members.models import DuesRecord, Member, Organisation, OrganisationLevel, StaffRole, User


def make_id_number(birth: date, sequence: int, region: str = "310114", sex: str | None = None) -> str:
    """A valid GB 11643 number. With sex "M"/"F", distinct sequences stay distinct
    (below 500) and the 17th digit gets the right parity."""
    if sex is not None:
        sequence = sequence * 2 + (1 if sex == "M" else 0)
    sequence %= 1000
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = "JD"
    name = "嘉定区总工会"
    level = OrganisationLevel.DISTRICT
    parent = None


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-S{n:03d}")
    name = factory.Sequence(lambda n: f"测试街道{n}总工会")
    level = OrganisationLevel.STREET
    street_kind = "subdistrict"
    parent = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def _street_self(obj, create, extracted, **kwargs):
        obj.street = obj
        if create:
            obj.save(update_fields=["street"])


class UnitFactory(factory.django.DjangoModelFactory):
    """A grassroots union of a unit (单位)."""

    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T-U{n:05d}")
    name = factory.Sequence(lambda n: f"测试单位{n}有限公司工会委员会")
    level = OrganisationLevel.GRASSROOTS
    parent = factory.SubFactory(StreetFactory)
    street = factory.SelfAttribute("parent")
    unit_type = "enterprise"
    industry = "C"
    employee_count = 120
    union_established = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    card_number = factory.Sequence(lambda n: f"{3200000000 + n}")
    name = factory.Sequence(lambda n: f"会员{n}")
    birth_date = date(1990, 5, 17)
    sex = "M"
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(o.birth_date, n, sex=o.sex))
    id_number_last4 = factory.LazyAttribute(lambda o: o.id_number[-4:])
    phone = factory.Sequence(lambda n: f"150{n:08d}")
    organisation = factory.SubFactory(UnitFactory)
    street = factory.LazyAttribute(lambda o: o.organisation.street)
    employment_type = "employee"
    monthly_income = Decimal("6000.00")
    card_issued_on = date(2020, 1, 1)


class DuesRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuesRecord

    member = factory.SubFactory(MemberFactory)
    year = 2026
    amount = Decimal("120.00")
    paid_on = date(2026, 1, 5)
    paid_in_one_go = True


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    role = StaffRole.GRASSROOTS
    organisation = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "Str0ng-Passw0rd!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            # Like members.services.staff_user_create: the role's group carries the permissions.
            from members.roles import group_for

            group = group_for(obj.role)
            if group is not None:
                obj.groups.add(group)
