from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from members import identity
from members.identity import IdentityError, id_check_char, mask_id_number, parse_id_number, validate_card_number
from tests.factories import make_id_number

# GB 11643-1999's own worked example.
STANDARD_EXAMPLE = "11010519491231002X"


class TestCardNumber:
    def test_ten_digits_accepted_and_spaces_stripped(self):
        assert validate_card_number(" 3100 000 001 ") == "3100000001"

    @pytest.mark.parametrize("value", ["", "310000000", "31000000011", "31000000a1", "３１００００００01"])
    def test_anything_else_refused_with_the_field_message(self, value):
        with pytest.raises(IdentityError, match="会员服务卡号必须是10位数字"):
            validate_card_number(value)


class TestNationalId:
    def test_standard_example_is_valid_and_derives_birth_and_sex(self):
        parsed = parse_id_number(STANDARD_EXAMPLE)
        assert parsed.birth_date == date(1949, 12, 31)
        assert parsed.sex == "F"  # 17th digit 2 is even

    def test_lowercase_x_is_normalised(self):
        assert parse_id_number(STANDARD_EXAMPLE.lower()).number == STANDARD_EXAMPLE

    def test_odd_seventeenth_digit_is_male(self):
        number = make_id_number(date(1990, 1, 1), 1, sex="M")
        assert parse_id_number(number).sex == "M"

    def test_wrong_checksum_refused(self):
        with pytest.raises(IdentityError, match="校验位不正确"):
            parse_id_number("110105194912310021")

    @pytest.mark.parametrize("value", ["11010519491231002", "1101051949123100212", "11010519491231002Y", ""])
    def test_wrong_shape_refused(self, value):
        with pytest.raises(IdentityError, match="必须是18位"):
            parse_id_number(value)

    def test_impossible_birth_date_refused(self):
        first17 = "31011419900230001"  # 30 February
        with pytest.raises(IdentityError, match="出生日期无效"):
            parse_id_number(first17 + id_check_char(first17))

    def test_birth_date_after_today_refused(self):
        number = make_id_number(date(2030, 1, 1), 7)
        with pytest.raises(IdentityError, match="出生日期无效"):
            parse_id_number(number, today=date(2026, 11, 25))

    def test_region_starting_with_nine_refused(self):
        first17 = "91011419900101001"
        with pytest.raises(IdentityError, match="行政区划代码无效"):
            parse_id_number(first17 + id_check_char(first17))

    @given(
        birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
        sequence=st.integers(0, 999),
        wrong=st.sampled_from("0123456789X"),
    )
    def test_exactly_one_check_character_is_valid(self, birth, sequence, wrong):
        number = make_id_number(birth, sequence)
        assert parse_id_number(number).birth_date == birth
        if wrong != number[-1]:
            with pytest.raises(IdentityError):
                parse_id_number(number[:-1] + wrong)


class TestMasking:
    def test_masks_the_birth_date_keeps_region_and_tail(self):
        assert mask_id_number("310114199001011234") == "310114********1234"

    def test_short_values_fully_masked(self):
        assert mask_id_number("12345") == "*****"

    def test_phone_masked(self):
        assert identity.mask_phone("13812345678") == "138****5678"
