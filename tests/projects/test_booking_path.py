"""A booking reads before it writes, refuses a full pool before any write, and writes itself once."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Application, ApplicationStatus, Notification, QuotaClaim, QuotaPool
from projects.services.errors import ApplicationError, QuotaFull
from tests.projects.test_quotas import DEF_KEY, book_checkup

# Reads of a refused booking (the member's dues, the policy data and its overrides, reference
# values, the pool): a fixed number, whatever the pool's size or the number of bookings before.
REFUSED_BOOKING_QUERIES = 10
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def january_2021():
    with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
        yield


def def_pool(taken=0, capacity=6000):
    return QuotaPool.objects.create(
        key=DEF_KEY,
        project="sanatorium",
        policy_year=2021,
        label="D、E、F体检计划全区名额",
        capacity=capacity,
        taken=taken,
    )


def statements(queries):
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_a_full_pool_refuses_before_any_write_in_a_fixed_number_of_queries(tree, member, january_2021):
    def_pool(taken=6000)
    with CaptureQueriesContext(connection) as queries, pytest.raises(QuotaFull, match="名额已满（共6000个）"):
        book_checkup(member)
    sql = statements(queries.captured_queries)
    assert not [q for q in sql if q.startswith(WRITES)], sql
    assert len(sql) <= REFUSED_BOOKING_QUERIES, sql
    assert not Application.objects.exists()


def test_a_booking_writes_the_application_once_with_one_history_row(
    tree, member, january_2021, django_capture_on_commit_callbacks
):
    pool = def_pool()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        application = book_checkup(member)
    sql = statements(queries.captured_queries)
    writes = [q for q in sql if q.startswith(WRITES)]
    # The conditional UPDATE is the first write; the application is inserted once, never updated.
    assert writes[0].startswith('UPDATE "projects_quotapool"')
    assert [q for q in writes if 'INTO "projects_application"' in q or 'UPDATE "projects_application"' in q] == [
        q for q in writes if q.startswith('INSERT INTO "projects_application"')
    ]
    assert len([q for q in writes if q.startswith('INSERT INTO "projects_application"')]) == 1
    assert application.history.count() == 1
    assert application.history.get().status == ApplicationStatus.APPROVED
    assert application.reference == f"JD2021{application.pk:08d}"
    assert list(application.events.values_list("action", flat=True)) == ["create", "submit", "route"]
    assert QuotaClaim.objects.get(application=application).pool == pool
    # The notification waits for the commit: nothing is written for it inside the booking.
    assert not [q for q in writes if "projects_notification" in q]
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=member.user, application=application).count() == 1


def test_a_second_booking_of_the_same_offering_is_refused_before_any_write(tree, member, staff, january_2021):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from projects.services.offerings import offering_create
    from projects.services.submission import application_submit

    offering = offering_create(
        user=staff["district"],
        rule_id="health_checkup",
        policy_year=2021,
        title="A计划2月场",
        starts_at=datetime(2021, 2, 20, 8, tzinfo=ZoneInfo("Asia/Shanghai")),
        capacity=10,
        organiser=tree["district"],
        facts={"plan": "A", "checkup_date": "2021-02-20"},
    )

    def book():
        return application_submit(
            user=member.user,
            rule_id="health_checkup",
            policy_year=2021,
            member=member,
            facts={"plan": "A", "checkup_date": "2021-02-20"},
            offering=offering,
        )

    book()
    with CaptureQueriesContext(connection) as queries, pytest.raises(ApplicationError):
        book()
    assert not [q for q in statements(queries.captured_queries) if q.startswith(WRITES)]
    assert QuotaPool.objects.get(pk=offering.quota_id).taken == 1


def test_a_first_come_pool_refuses_before_its_opening_and_books_directly_without_the_queue(tree, member, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    settings.FIRST_COME_QUEUE = False  # the embedded default: no Redis, no queue
    opening = datetime(2021, 1, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    pool = QuotaPool.objects.create(
        key=DEF_KEY,
        project="sanatorium",
        policy_year=2021,
        label="D、E、F体检计划全区名额",
        capacity=6000,
        first_come=True,
        opens_at=opening,
    )
    with time_machine.travel("2021-01-10 08:59:59 +0800", tick=False):
        with (
            CaptureQueriesContext(connection) as queries,
            pytest.raises(QuotaFull, match="将于2021-01-10 09:00开放预约"),
        ):
            book_checkup(member)
        assert not [q for q in statements(queries.captured_queries) if q.startswith(WRITES)]
    with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
        application = book_checkup(member)
    assert application.quota_claims.get().pool == pool
    pool.refresh_from_db()
    assert pool.taken == 1


def test_the_def_pool_is_created_first_come(tree, member, january_2021):
    book_checkup(member)
    assert QuotaPool.objects.get(key=DEF_KEY).first_come is True
