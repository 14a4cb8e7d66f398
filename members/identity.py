"""Member-card numbers and national ID numbers (GB 11643-1999): validation,
derivation and masking. Pure functions; Django validators wrap them.

Error messages are constants so tests and forms show the same Chinese text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CARD_NUMBER_INVALID = "会员服务卡号必须是10位数字（卡背面的上海工会会员编号）。"
ID_NUMBER_FORMAT = "身份证号码必须是18位：前17位为数字，最后一位为数字或X。"
ID_NUMBER_CHECKSUM = "身份证号码校验位不正确，请核对后重新输入。"
ID_NUMBER_BIRTH_DATE = "身份证号码中的出生日期无效。"
ID_NUMBER_REGION = "身份证号码的行政区划代码无效。"
PHONE_INVALID = "手机号码必须是11位中国大陆手机号（以1开头）。"

_CARD_RE = re.compile(r"^[0-9]{10}$")
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")

# GB 11643-1999 §7: weights 2^(i-1) mod 11 for positions 18..2, check = (12 - sum mod 11) mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First digit of a mainland administrative division code (GB/T 2260): 1–8 (9 is not used for people).
_REGION_FIRST_DIGITS = set("12345678")


class IdentityError(ValueError):
    """Raised with one of the message constants above."""


def normalize_card_number(value: str) -> str:
    return (value or "").strip().replace(" ", "")


def validate_card_number(value: str) -> str:
    value = normalize_card_number(value)
    if not _CARD_RE.match(value):
        raise IdentityError(CARD_NUMBER_INVALID)
    return value


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class NationalId:
    number: str
    birth_date: date
    sex: str  # "M" or "F" (GB 11643: 17th digit odd = male)

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def parse_id_number(value: str, *, today: date | None = None) -> NationalId:
    number = normalize_id_number(value)
    if not _ID_RE.match(number):
        raise IdentityError(ID_NUMBER_FORMAT)
    if number[0] not in _REGION_FIRST_DIGITS:
        raise IdentityError(ID_NUMBER_REGION)
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError(ID_NUMBER_BIRTH_DATE) from None
    if birth.year < 1900 or (today is not None and birth > today):
        raise IdentityError(ID_NUMBER_BIRTH_DATE)
    if id_check_char(number[:17]) != number[17]:
        raise IdentityError(ID_NUMBER_CHECKSUM)
    return NationalId(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def mask_id_number(value: str) -> str:
    """310114199001011234 -> 310114********1234: region kept, birth date hidden."""
    value = normalize_id_number(value)
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def validate_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if not _PHONE_RE.match(value):
        raise IdentityError(PHONE_INVALID)
    return value


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else value
