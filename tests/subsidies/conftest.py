"""The district staff of the policy-year tests: one edits a draft (maker), another publishes (checker)."""

import pytest

from members.models import StaffRole
from tests.factories import DistrictFactory, StaffUserFactory


@pytest.fixture
def district():
    return DistrictFactory()


@pytest.fixture
def maker(district):
    return StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)


@pytest.fixture
def checker(district):
    return StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)
