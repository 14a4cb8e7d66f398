"""First come, first served: requests queue in arrival order (Redis), a worker allocates in batches.

Needs Redis (REDIS_URL; CI has it): each test queues under its own key prefix. The allocator is
called directly (the Celery task is a thin loop over it); tests that write with real commits and
threads are marked postgres.
"""

import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.sessions import MEMBER
from projects.models import Application, Notification, QueuedBooking, QueueOutcome, QuotaClaim, QuotaPool
from projects.services import queue
from projects.services.errors import QuotaFull
from projects.services.submission import application_submit
from tests.projects.conftest import PASSWORD
from tests.projects.test_quotas import DEF_KEY, members_with_logins
from tests.race import run_concurrently

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL); CI runs it")
SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENING = datetime(2021, 1, 10, 9, 0, tzinfo=SHANGHAI)
FACTS = {"plan": "D", "checkup_date": "2021-02-20"}


@pytest.fixture(autouse=True)
def own_queue(settings):
    settings.FIRST_COME_QUEUE = True
    settings.FIRST_COME_QUEUE_PREFIX = f"test-{uuid.uuid4().hex}"
    queue._pool_cache.clear()
    yield
    client = queue.redis_client()
    for key in client.scan_iter(f"{settings.FIRST_COME_QUEUE_PREFIX}:*"):
        client.delete(key)
    queue._pool_cache.clear()


@pytest.fixture
def after_opening():
    with time_machine.travel(OPENING + timedelta(seconds=5), tick=True):
        yield


def def_pool(*, capacity=6000, taken=0, opens_at=OPENING):
    return QuotaPool.objects.create(
        key=DEF_KEY,
        project="sanatorium",
        policy_year=2021,
        label="D、E、F体检计划全区名额",
        capacity=capacity,
        taken=taken,
        first_come=True,
        opens_at=opens_at,
    )


def enqueue(member, pool, facts=FACTS, offering=None):
    return queue.booking_enqueue(
        user_id=member.user_id,
        member_id=member.pk,
        session_hash=member.user.get_session_auth_hash(),
        rule_id="health_checkup",
        policy_year=2021,
        facts=dict(facts),
        offering=offering,
        pool=pool,
        kick=False,
    )


def drain(pool):
    return queue.queue_drain(pool_id=pool.pk)


def test_a_request_is_answered_with_its_place_in_line_and_writes_nothing(tree, after_opening):
    pool = def_pool()
    members = members_with_logins(tree["unit"], 3)
    tickets = [enqueue(m, pool) for m in members]
    assert [t.position for t in tickets] == [1, 2, 3]
    assert tickets[0].message == "已排队，第 1 位"
    again = enqueue(members[1], pool)
    assert (again.already, again.ticket, again.position) == (True, tickets[1].ticket, 2)
    assert again.message == "您已在排队中，第 2 位"
    assert not Application.objects.exists() and QuotaPool.objects.get(pk=pool.pk).taken == 0
    assert queue.ticket_status(pool=pool, user=members[2].user)["message"] == "排队中，前面还有 2 位"


def test_only_first_come_pools_past_their_opening_queue(tree, member, after_opening, settings):
    from projects.procedures import procedure_for

    procedure = procedure_for("health_checkup")
    pool = def_pool()
    now = OPENING + timedelta(seconds=5)
    assert (
        queue.queue_pool_for(
            procedure=procedure, member_id=member.pk, policy_year=2021, facts=FACTS, offering=None, now=now
        )
        == pool
    )
    assert (
        queue.queue_pool_for(
            procedure=procedure, member_id=member.pk, policy_year=2021, facts={"plan": "A"}, offering=None, now=now
        )
        is None
    )  # plan A takes no district place
    assert (
        queue.queue_pool_for(
            procedure=procedure,
            member_id=member.pk,
            policy_year=2021,
            facts=FACTS,
            offering=None,
            now=now + settings.FIRST_COME_QUEUE_WINDOW,
        )
        is None
    )  # after the rush: direct
    with pytest.raises(QuotaFull, match="将于2021-01-10 09:00开放预约"):
        queue.queue_pool_for(
            procedure=procedure,
            member_id=member.pk,
            policy_year=2021,
            facts=FACTS,
            offering=None,
            now=OPENING - timedelta(seconds=1),
        )


def test_places_go_in_arrival_order_exactly_n_for_m_queued(tree, after_opening):
    pool = def_pool(capacity=6000, taken=5995)
    members = members_with_logins(tree["unit"], 12)
    order = [enqueue(m, pool) for m in members]
    assert drain(pool) == 12
    pool.refresh_from_db()
    assert pool.taken == 6000
    entries = list(QueuedBooking.objects.filter(pool=pool).order_by("ticket"))
    assert [e.ticket for e in entries] == [t.ticket for t in order]
    assert [e.outcome for e in entries] == [QueueOutcome.ALLOCATED] * 5 + [QueueOutcome.REFUSED] * 7
    assert [e.user_id for e in entries[:5]] == [m.user_id for m in members[:5]]
    assert all("名额已满" in e.message for e in entries[5:])
    assert QuotaClaim.objects.filter(pool=pool).count() == 5 == Application.objects.count()
    assert queue.ticket_status(pool=pool, user=members[0].user)["state"] == QueueOutcome.ALLOCATED
    late = queue.ticket_status(pool=pool, user=members[11].user)
    assert late["state"] == QueueOutcome.REFUSED and "名额已满" in late["message"]
    # Once full, a new request is refused at once.
    (newcomer,) = members_with_logins(tree["unit"], 1)
    with pytest.raises(QuotaFull, match="名额已满"):
        enqueue(newcomer, pool)


def _allocation_reads(tree, pool, count, on_commit):
    """The queries of allocating `count` queued requests that read users, members and policy data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for member in members_with_logins(tree["unit"], count):
        enqueue(member, pool)
    with CaptureQueriesContext(connection) as ctx, on_commit(execute=True):
        assert drain(pool) == count
    tables = ("members_user", "members_member", "subsidies_policyoverride", "subsidies_referencevalue")
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert Notification.objects.filter(application__isnull=False).count() == Application.objects.count()
    return {table: sum(f'FROM "{table}"' in sql for sql in reads) for table in tables}, len(ctx.captured_queries)


def test_an_allocation_batch_reads_its_members_and_the_policy_once(
    tree, after_opening, django_capture_on_commit_callbacks
):
    """At the opening the allocator is the bottleneck: a batch reads its users, members (with their
    dues), overrides and reference values once, and writes its applications, history rows, claims,
    shares, events and notices in one INSERT each."""
    pool = def_pool(capacity=6000, taken=0)
    few, few_total = _allocation_reads(tree, pool, 3, django_capture_on_commit_callbacks)
    many, many_total = _allocation_reads(tree, pool, 15, django_capture_on_commit_callbacks)
    assert many == dict.fromkeys(many, 1)
    assert many_total <= few_total  # checked one by one, written together: no query per request


def test_an_ineligible_or_duplicate_request_takes_no_place_and_is_told_why(
    tree, staff, after_opening, django_capture_on_commit_callbacks
):
    from projects.services.offerings import offering_create

    offering = offering_create(
        user=staff["district"],
        rule_id="health_checkup",
        policy_year=2021,
        title="D计划2月场",
        starts_at=datetime(2021, 2, 20, 8, tzinfo=SHANGHAI),
        capacity=2,
        organiser=tree["district"],
        facts={"plan": "A", "checkup_date": "2021-02-20"},
    )
    pool = offering.quota
    QuotaPool.objects.filter(pk=pool.pk).update(first_come=True, opens_at=OPENING)
    pool.refresh_from_db()
    booked_before, late_date, first, second, third = members_with_logins(tree["unit"], 5)
    with time_machine.travel(OPENING - timedelta(days=3)):
        QuotaPool.objects.filter(pk=pool.pk).update(opens_at=None)
        application_submit(
            user=booked_before.user,
            rule_id="health_checkup",
            policy_year=2021,
            member=booked_before,
            facts={"plan": "A", "checkup_date": "2021-02-20"},
            offering=offering,
        )
        QuotaPool.objects.filter(pk=pool.pk).update(opens_at=OPENING, capacity=3)
    for member in (booked_before, late_date, first, second, third):
        enqueue(member, pool, facts={"plan": "A", "checkup_date": "2021-02-20"}, offering=offering)
    # One of them booked the same offering before the rush; one is no longer a member.
    from members import services as member_services

    member_services.member_update(member=late_date, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        drain(pool)
    outcomes = {e.user_id: e for e in QueuedBooking.objects.filter(pool=pool)}
    assert outcomes[booked_before.user_id].outcome == QueueOutcome.REFUSED
    assert "已有申请" in outcomes[booked_before.user_id].message
    assert outcomes[late_date.user_id].outcome == QueueOutcome.REFUSED
    assert [outcomes[m.user_id].outcome for m in (first, second, third)] == [
        QueueOutcome.ALLOCATED,
        QueueOutcome.ALLOCATED,
        QueueOutcome.REFUSED,
    ]
    assert QuotaPool.objects.get(pk=pool.pk).taken == 3
    titles = set(Notification.objects.filter(recipient=late_date.user).values_list("title", flat=True))
    assert titles == {"您排队预约的“D计划2月场”未能分配名额"}  # told in the inbox, after the commit
    assert Notification.objects.filter(recipient=first.user, application__isnull=False).exists()


def test_a_once_only_key_taken_meanwhile_refuses_that_request_alone(
    tree, staff, after_opening, monkeypatch, django_capture_on_commit_callbacks
):
    """The batch writes its requests together; if another door took one's once-only key between
    the check and the write, the batch is written again one by one and only that request is refused."""
    from projects.services import submission as submission_service
    from projects.services.offerings import offering_create

    offering = offering_create(
        user=staff["district"],
        rule_id="health_checkup",
        policy_year=2021,
        title="A计划2月场",
        starts_at=datetime(2021, 2, 20, 8, tzinfo=SHANGHAI),
        capacity=10,
        organiser=tree["district"],
        facts={"plan": "A", "checkup_date": "2021-02-20"},
    )
    pool = offering.quota
    facts = {"plan": "A", "checkup_date": "2021-02-20"}
    first, took_it_meanwhile, third = members_with_logins(tree["unit"], 3)
    with time_machine.travel(OPENING - timedelta(days=3)):
        application_submit(
            user=took_it_meanwhile.user,
            rule_id="health_checkup",
            policy_year=2021,
            member=took_it_meanwhile,
            facts=facts,
            offering=offering,
        )
    QuotaPool.objects.filter(pk=pool.pk).update(first_come=True, opens_at=OPENING)
    pool.refresh_from_db()
    for member in (first, took_it_meanwhile, third):
        enqueue(member, pool, facts=facts, offering=offering)
    # As if the other booking landed after this batch's read of the once-only keys.
    monkeypatch.setattr(submission_service, "_refuse_duplicate", lambda submission: None)
    with django_capture_on_commit_callbacks(execute=True):
        drain(pool)
    outcomes = {e.user_id: e for e in QueuedBooking.objects.filter(pool=pool)}
    assert [outcomes[m.user_id].outcome for m in (first, took_it_meanwhile, third)] == [
        QueueOutcome.ALLOCATED,
        QueueOutcome.REFUSED,
        QueueOutcome.ALLOCATED,
    ]
    assert "已有申请" in outcomes[took_it_meanwhile.user_id].message
    assert QuotaPool.objects.get(pk=pool.pk).taken == 3  # the earlier booking and the two allocated
    assert Application.objects.filter(offering=offering).count() == 3
    assert Notification.objects.filter(recipient=third.user, application__isnull=False).count() == 1


def test_a_worker_killed_mid_batch_resumes_and_allocates_each_place_once(tree, after_opening, monkeypatch):
    pool = def_pool(capacity=6000, taken=5990)
    members = members_with_logins(tree["unit"], 14)
    for member in members:
        enqueue(member, pool)
    real = queue._prepare_one
    calls = {"n": 0}

    class Killed(Exception):
        pass

    def dies_after_four(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 4:
            raise Killed
        return real(*args, **kwargs)

    monkeypatch.setattr(queue, "_prepare_one", dies_after_four)
    with pytest.raises(Killed):
        queue.queue_allocate_batch(pool_id=pool.pk, size=8)
    assert QuotaPool.objects.get(pk=pool.pk).taken == 5990  # the batch rolled back whole
    assert not QueuedBooking.objects.exists() and not Application.objects.exists()
    assert len(queue.queued_requests(pool.pk)) == 14  # nothing lost

    # Killed after the commit, before the queue was trimmed: the next run skips what is done.
    monkeypatch.setattr(queue, "_prepare_one", real)
    real_publish = queue._publish
    monkeypatch.setattr(queue, "_publish", lambda *a, **k: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        queue.queue_allocate_batch(pool_id=pool.pk, size=8)
    assert QuotaPool.objects.get(pk=pool.pk).taken == 5998
    assert len(queue.queued_requests(pool.pk)) == 14
    monkeypatch.setattr(queue, "_publish", real_publish)

    drain(pool)
    pool.refresh_from_db()
    assert pool.taken == 6000
    assert QuotaClaim.objects.filter(pool=pool).count() == 10 == Application.objects.count()
    entries = list(QueuedBooking.objects.filter(pool=pool).order_by("ticket"))
    assert len(entries) == 14 and len({e.ticket for e in entries}) == 14
    assert [e.outcome for e in entries] == [QueueOutcome.ALLOCATED] * 10 + [QueueOutcome.REFUSED] * 4
    assert not queue.queued_requests(pool.pk)


def test_the_portal_queues_the_request_and_shows_the_outcome(tree, member, client, after_opening):
    pool = def_pool()
    client.force_login(member.user)
    url = reverse("projects:apply", args=["health_checkup", 2021])
    response = client.post(url, FACTS, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["state"] == "queued" and answer["message"] == "已排队，第 1 位"
    # Tests run Celery eagerly: the kick allocated it inside the request.
    status = client.get(answer["status_url"]).json()
    assert status["state"] == QueueOutcome.ALLOCATED and status["reference"].startswith("JD2021")
    assert QuotaPool.objects.get(pk=pool.pk).taken == 1
    page = client.get(reverse("projects:queue_ticket", args=[pool.pk])).content.decode()
    assert "预约成功" in page
    html = client.post(url, FACTS)  # asking again after the outcome: a new ticket
    assert html.status_code == 200 and "已排队，第 1 位" in html.content.decode()


def test_before_opening_the_page_counts_down_and_booking_is_refused(tree, member, client):
    def_pool(opens_at=OPENING)
    client.force_login(member.user)
    url = reverse("projects:apply", args=["health_checkup", 2021])
    with time_machine.travel(OPENING - timedelta(minutes=10), tick=False):
        page = client.get(url).content.decode()
        assert "data-opens-at" in page and "开放预约" in page
        response = client.post(url, FACTS)
        assert "将于2021-01-10 09:00开放预约" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_requests_for_the_last_five_places_through_the_queue(tree):
    with time_machine.travel(OPENING + timedelta(seconds=5), tick=True):
        pool = def_pool(capacity=6000, taken=5995)
        members = members_with_logins(tree["unit"], 50)
        results = run_concurrently(lambda m: enqueue(m, pool), [(m,) for m in members], workers=50)
        assert all(ok for ok, _ in results), [r for ok, r in results if not ok][:3]
        tickets = {r.ticket: m for (ok, r), m in zip(results, members, strict=True)}
        assert sorted(r.position for _, r in results) == list(range(1, 51))
        # Two allocators at once (a redelivered task, the periodic one): they take turns on the row lock.
        run_concurrently(lambda: drain(pool), [(), ()], workers=2)
    pool.refresh_from_db()
    assert pool.taken == 6000
    allocated = QueuedBooking.objects.filter(pool=pool, outcome=QueueOutcome.ALLOCATED).order_by("ticket")
    first_five = [tickets[t].user_id for t in sorted(tickets)[:5]]
    assert [e.user_id for e in allocated] == first_five
    assert QueuedBooking.objects.filter(pool=pool).count() == 50
    assert Application.objects.count() == 5 == QuotaClaim.objects.count()
    # Every member is told in the inbox, after the commit.
    assert Notification.objects.filter(title="您排队预约的“D、E、F体检计划全区名额”未能分配名额").count() == 45
    assert Notification.objects.filter(application__isnull=False).count() == 5


def _sign_in(client, member):
    """Through the sign-in page, as a member does on the phone: the session keeps the member."""
    response = client.post(
        reverse("members:login"), {"username": member.user.username, "password": PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302
    assert client.session[MEMBER] == member.pk


@pytest.fixture
def kicks(monkeypatch):
    """The allocator's kicks, kept instead of run (tests run Celery eagerly)."""
    from projects import tasks

    kept = []
    monkeypatch.setattr(tasks.allocate_first_come, "delay", lambda pool_id: kept.append(pool_id))
    return kept


def test_a_signed_in_member_joins_the_queue_without_a_database_query(
    tree, member, client, after_opening, kicks, django_assert_num_queries
):
    pool = def_pool()
    _sign_in(client, member)
    url = reverse("projects:apply", args=["health_checkup", 2021])
    queue._pool_by_key(DEF_KEY)  # each web process reads a pool's settings once every two seconds
    with django_assert_num_queries(0):
        answer = client.post(url, FACTS, HTTP_ACCEPT="application/json").json()
    assert answer["state"] == "queued" and answer["message"] == "已排队，第 1 位" and kicks == [pool.pk]
    drain(pool)
    entry = QueuedBooking.objects.get(pool=pool)
    assert entry.outcome == QueueOutcome.ALLOCATED and entry.application.applicant_member == member


@pytest.mark.parametrize("change", ["password changed", "account disabled", "member record closed"])
def test_a_request_queued_on_a_session_no_longer_valid_takes_no_place(
    tree, member, client, after_opening, kicks, change
):
    pool = def_pool()
    _sign_in(client, member)
    url = reverse("projects:apply", args=["health_checkup", 2021])
    assert client.post(url, FACTS, HTTP_ACCEPT="application/json").json()["state"] == "queued"
    user = member.user
    if change == "password changed":
        user.set_password("An0ther-Passw0rd!")
        user.save()
    elif change == "account disabled":
        user.is_active = False
        user.save()
    else:
        member.is_active = False
        member.save()
    drain(pool)
    entry = QueuedBooking.objects.get(pool=pool)
    assert entry.outcome == QueueOutcome.REFUSED
    if change != "member record closed":
        assert "登录已失效" in entry.message
    pool.refresh_from_db()
    assert pool.taken == 0 and not Application.objects.exists() and not QuotaClaim.objects.exists()
