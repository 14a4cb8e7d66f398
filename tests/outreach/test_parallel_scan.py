"""A large scan runs in two processes (a forked child with its own connections): its findings,
notices and counts are those of the one-process scan. Inside pytest on PostgreSQL, with committed
data (transaction=True), as the worker runs it."""

from __future__ import annotations

import pytest
import time_machine

from jiading_union.bulk import is_postgresql
from outreach import services
from outreach.models import Finding, Reminder, ScanRun
from outreach.services import outreach_scan
from tests.outreach.test_scan import DAY, _sample

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COLUMNS = ("member_id", "rule_id", "project", "organisation_id", "street_id", "policy_year", "state", "applied")


def _findings():
    return sorted(Finding.objects.values_list(*COLUMNS))


def _notices():
    return sorted(Reminder.objects.values_list("recipient_id", "subject", "kind"))


def test_the_two_process_scan_writes_what_one_process_writes(tree, monkeypatch, settings):
    if not is_postgresql():
        pytest.skip("the two-process scan runs on PostgreSQL")
    with time_machine.travel(DAY, tick=False):
        people = _sample(tree) + _sample(tree)
        one = outreach_scan(full=True)
        serial, serial_notices = _findings(), _notices()
        Finding.objects.all().delete()
        Reminder.objects.all().delete()
        settings.OUTREACH_SCAN_PARALLEL_MIN = 1
        forks = []
        fork = services.os.fork
        monkeypatch.setattr(services.os, "fork", lambda: forks.append(1) or fork())
        two = outreach_scan(full=True)
    assert forks == [1]
    assert _findings() == serial and len({f[0] for f in serial}) == len(people)
    assert _notices() == serial_notices
    assert (two.members, two.findings, two.granted) == (one.members, one.findings, one.granted)
    assert ScanRun.objects.filter(finished_at__isnull=False).count() == 2


def test_a_scan_inside_a_transaction_stays_in_one_process(tree, monkeypatch, settings):
    from django.db import transaction

    settings.OUTREACH_SCAN_PARALLEL_MIN = 1
    monkeypatch.setattr(services.os, "fork", lambda: pytest.fail("forked inside a transaction"))
    with time_machine.travel(DAY, tick=False), transaction.atomic():
        people = _sample(tree)
        run = outreach_scan(full=True)
    assert run.members == len(people)
    assert Finding.objects.filter(member__in=people).values("member").distinct().count() == len(people)


def test_the_scan_plans_without_jit_and_gives_the_connection_back_as_it_was(tree, monkeypatch):
    """A first run's findings table has no statistics yet: each chunk's read of the existing findings
    was overestimated and JIT-compiled (≈0.5 s a chunk at 1,000,000 members). The scan turns JIT off
    for its own statements and restores the setting afterwards."""
    from django.db import connection

    if not is_postgresql():
        pytest.skip("JIT is PostgreSQL's")

    def jit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]

    seen = []
    write = services.findings_write
    monkeypatch.setattr(services, "findings_write", lambda rows, **kw: seen.append(jit()) or write(rows, **kw))
    before = jit()
    with time_machine.travel(DAY, tick=False):
        _sample(tree)
        outreach_scan(full=True)
    assert seen and set(seen) == {"off"}
    assert jit() == before
