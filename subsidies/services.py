"""Writes for policy data district staff maintain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from .models import ReferenceValue


@transaction.atomic
def reference_value_set(*, series: str, effective_from: date, amount: Decimal, source: str = "") -> ReferenceValue:
    value, _ = ReferenceValue.objects.update_or_create(
        series=series, effective_from=effective_from, defaults={"amount": amount, "source": source}
    )
    value.full_clean()
    return value
