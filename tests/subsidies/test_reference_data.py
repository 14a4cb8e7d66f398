"""The minimum wage and other external facts: dated, editable by staff, read by the rules."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies import services
from subsidies.models import ReferenceValue
from subsidies.rules.reference import load_reference_data
from subsidies.selectors import reference_data


@pytest.mark.parametrize(
    "on, wage",
    [
        ("2018-03-31", None),
        ("2018-04-01", "2420.00"),
        ("2019-03-31", "2420.00"),
        ("2019-04-01", "2480.00"),
        ("2021-06-30", "2480.00"),
        ("2021-07-01", "2590.00"),
        ("2026-11-25", "2590.00"),
    ],
)
def test_minimum_wage_on_each_side_of_each_change(on, wage):
    value = load_reference_data()["minimum_wage"].on(date.fromisoformat(on))
    assert value == (Decimal(wage) if wage else None)


@pytest.mark.django_db
def test_migration_loads_the_shipped_series_for_staff_to_edit():
    assert list(ReferenceValue.objects.filter(series="minimum_wage").values_list("effective_from", "amount")) == [
        (date(2018, 4, 1), Decimal("2420.00")),
        (date(2019, 4, 1), Decimal("2480.00")),
        (date(2021, 7, 1), Decimal("2590.00")),
    ]


@pytest.mark.django_db
def test_a_new_value_entered_by_staff_is_what_the_rules_read():
    services.reference_value_set(
        series="minimum_wage", effective_from=date(2023, 7, 1), amount=Decimal("2690.00"), source="沪人社规〔2023〕x号"
    )
    series = reference_data()["minimum_wage"]
    assert series.on(date(2023, 6, 30)) == Decimal("2590.00")
    assert series.on(date(2023, 7, 1)) == Decimal("2690.00")
