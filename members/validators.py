"""Django validators around members.identity, for model and form fields."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import identity


def validate_card_number(value):
    try:
        identity.validate_card_number(value)
    except identity.IdentityError as exc:
        raise ValidationError(str(exc), code="card_number") from None


def validate_id_number(value):
    try:
        identity.parse_id_number(value, today=timezone.localdate())
    except identity.IdentityError as exc:
        raise ValidationError(str(exc), code="id_number") from None


def validate_phone(value):
    try:
        identity.validate_phone(value)
    except identity.IdentityError as exc:
        raise ValidationError(str(exc), code="phone") from None
