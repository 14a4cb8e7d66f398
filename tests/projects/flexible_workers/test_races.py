"""On PostgreSQL: two clerks recording the same check-up at once record it once."""

from datetime import date

import pytest
import time_machine

from projects.flexible_workers import services
from projects.flexible_workers.models import ServiceDelivery
from projects.services.errors import ApplicationError
from tests.factories import StaffUserFactory
from tests.race import run_concurrently

from .conftest import care_application, flexible_member


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkups_for_one_member_are_recorded_once(tree, staff):
    application = care_application(flexible_member(tree["street"]), reviewer=staff["street"])
    clerks = [StaffUserFactory(role="street", organisation=tree["street"]) for _ in range(6)]

    def record(clerk):
        return services.five_services_record(
            user=clerk, application=application, kind="checkup", delivered_on=date(2021, 7, 1)
        )

    with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
        results = run_concurrently(record, [(c,) for c in clerks])
    assert sum(ok for ok, _ in results) == 1
    assert all(isinstance(r, ApplicationError) and "本年度已为该会员登记" in r.message for ok, r in results if not ok)
    assert ServiceDelivery.objects.count() == 1
