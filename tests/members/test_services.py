from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Member, OrganisationLevel, StaffRole
from tests.factories import DistrictFactory, MemberFactory, StreetFactory, UnitFactory, make_id_number

pytestmark = pytest.mark.django_db


def _create(**overrides):
    unit = overrides.pop("organisation", None) or UnitFactory()
    fields = dict(
        card_number="3100000123",
        name="李娜",
        id_number=make_id_number(date(1988, 6, 30), 42, sex="F"),
        organisation=unit,
        phone="13812345678",
    )
    fields.update(overrides)
    return services.member_create(**fields)


class TestMemberCreate:
    def test_derives_birth_date_sex_id_tail_and_street(self):
        member = _create()
        assert member.birth_date == date(1988, 6, 30)
        assert member.sex == "F"
        assert member.id_number_last4 == member.id_number[-4:]
        assert member.street == member.organisation.parent

    def test_flexible_worker_under_a_street_union_has_that_street(self):
        street = StreetFactory()
        member = _create(organisation=street, employment_type="flexible_worker", flexible_industry="food_delivery")
        assert member.street == street

    def test_duplicate_card_number_refused_with_chinese_message_and_nothing_saved(self):
        _create()
        with pytest.raises(ValidationError) as excinfo:
            _create(id_number=make_id_number(date(1970, 1, 1), 3), phone="13900000000")
        assert excinfo.value.message_dict["card_number"] == ["该会员服务卡号已被登记。"]
        assert Member.objects.count() == 1

    def test_duplicate_id_number_refused(self):
        first = _create()
        with pytest.raises(ValidationError) as excinfo:
            _create(card_number="3100000999", id_number=first.id_number, phone="13900000000")
        assert excinfo.value.message_dict["id_number"] == ["该身份证号码已被登记。"]

    def test_duplicate_phone_refused(self):
        _create()
        with pytest.raises(ValidationError) as excinfo:
            _create(card_number="3100000999", id_number=make_id_number(date(1970, 1, 1), 3))
        assert "该手机号码已被其他会员登记。" in excinfo.value.messages

    def test_bad_card_and_bad_id_reported_together_naming_each_field(self):
        with pytest.raises(ValidationError) as excinfo:
            _create(card_number="12345", id_number="110105194912310021")
        errors = excinfo.value.message_dict
        assert errors["card_number"] == ["会员服务卡号必须是10位数字（卡背面的上海工会会员编号）。"]
        assert errors["id_number"] == ["身份证号码校验位不正确，请核对后重新输入。"]
        assert Member.objects.count() == 0

    def test_district_union_is_not_a_member_organisation(self):
        with pytest.raises(ValidationError) as excinfo:
            _create(organisation=DistrictFactory())
        assert excinfo.value.message_dict["organisation"] == [services.MEMBER_ORGANISATION_LEVEL]

    def test_flexible_worker_needs_an_industry(self):
        with pytest.raises(ValidationError) as excinfo:
            _create(employment_type="flexible_worker")
        assert excinfo.value.message_dict["flexible_industry"] == [services.FLEXIBLE_INDUSTRY_REQUIRED]

    def test_hardship_certification_needs_organisation_and_date(self):
        unit = UnitFactory()
        with pytest.raises(ValidationError) as excinfo:
            _create(organisation=unit, hardship_certified_by=unit.parent)
        assert excinfo.value.message_dict["hardship_certified_on"] == [services.HARDSHIP_PAIR]

    def test_update_rederives_from_a_new_id_number(self):
        member = _create()
        services.member_update(member=member, id_number=make_id_number(date(1960, 2, 29), 11, sex="M"))
        member.refresh_from_db()
        assert (member.birth_date, member.sex) == (date(1960, 2, 29), "M")


class TestOrganisations:
    def test_grassroots_must_sit_under_a_street(self):
        with pytest.raises(ValidationError) as excinfo:
            services.organisation_create(
                code="X1", name="某公司工会", level=OrganisationLevel.GRASSROOTS, parent=DistrictFactory()
            )
        assert excinfo.value.message_dict["parent"] == ["基层工会的上级必须是街镇工会。"]

    def test_street_is_its_own_street_and_units_inherit_it(self):
        street = services.organisation_create(
            code="S1", name="某镇总工会", level=OrganisationLevel.STREET, parent=DistrictFactory(), street_kind="town"
        )
        unit = services.organisation_create(
            code="U1", name="某公司工会", level=OrganisationLevel.GRASSROOTS, parent=street, employee_count=90
        )
        assert street.street == street and unit.street == street


class TestStaff:
    def test_role_must_match_the_organisation_level(self):
        with pytest.raises(ValidationError) as excinfo:
            services.staff_user_create(
                username="s1", password="Str0ng-Passw0rd!", role=StaffRole.STREET, organisation=UnitFactory()
            )
        assert excinfo.value.message_dict["organisation"] == ["街镇工会工作人员必须属于街镇工会。"]

    def test_weak_password_refused(self):
        with pytest.raises(ValidationError):
            services.staff_user_create(
                username="s1", password="12345678", role=StaffRole.GRASSROOTS, organisation=UnitFactory()
            )

    def test_dues_amount_must_be_positive(self):
        with pytest.raises(ValidationError) as excinfo:
            services.dues_record_create(
                member=MemberFactory(), year=2026, amount=Decimal("0"), paid_on=date(2026, 1, 1), paid_in_one_go=True
            )
        assert "amount" in excinfo.value.message_dict
