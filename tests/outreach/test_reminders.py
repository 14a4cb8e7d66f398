"""Each deadline kind at its boundary: a reminder on the last day, none the day after; the dates
come from the policy data of the year in force; the job twice sends nothing twice; channels."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from members import sms
from members.models import StaffRole
from outreach.models import ChannelPreference, Finding, FindingState, Reminder, ReminderKind
from outreach.services import outreach_scan
from outreach.tasks import send_reminders
from projects.models import Application, ApplicationStatus, Notification
from subsidies.rules.pieces import add_months
from subsidies.selectors import policy_data
from tests.factories import StaffUserFactory
from tests.projects.conftest import _member

pytestmark = pytest.mark.django_db
K = ReminderKind
LEAD = [7, 1, 0]


def run(day: date, **kwargs) -> int:
    with time_machine.travel(datetime(day.year, day.month, day.day, 8, tzinfo=timezone.get_current_timezone())):
        return send_reminders(today=day.isoformat(), lead_days=LEAD, **kwargs)


def kinds_on(day: date, kind: str, **kwargs) -> list[Reminder]:
    run(day, **kwargs)
    return list(Reminder.objects.filter(day=day, kind=kind))


def application(member, rule_id, year, status=ApplicationStatus.APPROVED, **dates):
    return Application.objects.create(
        project="x",
        rule_id=rule_id,
        policy_year=year,
        applicant_member=member,
        organisation=member.organisation,
        street=member.street,
        status=status,
        reference=f"JD{year}{Application.objects.count() + 1:08d}",
        decision={"dates": {k: v.isoformat() for k, v in dates.items()}},
    )


def finding(member, **kwargs):
    defaults = dict(
        member=member,
        organisation=member.organisation,
        street=member.street,
        project="skill_awards",
        rule_id="skill_promotion_award",
        policy_year=2021,
        state=FindingState.ELIGIBLE,
    )
    return Finding.objects.create(**{**defaults, **kwargs})


# --- members ------------------------------------------------------------------------------------


def test_window_closing_is_reminded_on_the_last_day_and_not_the_day_after(member):
    closes = policy_data(2021).table("skill_award_batches").rows[0]["closes"]
    finding(member, window_opens=closes - timedelta(days=300), window_closes=closes)
    assert len(kinds_on(closes, K.WINDOW_CLOSING)) == 1
    assert kinds_on(closes + timedelta(days=1), K.WINDOW_CLOSING) == []
    assert [r.day for r in Reminder.objects.filter(kind=K.WINDOW_CLOSING)] == [closes]


def test_window_opening_is_reminded_before_it_opens(member):
    opens = policy_data(2021).value("sanatorium_checkup_def_opens")
    finding(member, state=FindingState.NOT_YET_OPEN, window_opens=opens, window_closes=opens + timedelta(days=50))
    assert len(kinds_on(opens - timedelta(days=1), K.WINDOW_OPENING)) == 1
    assert len(kinds_on(opens, K.WINDOW_OPENING)) == 1
    assert kinds_on(opens + timedelta(days=1), K.WINDOW_OPENING) == []


def test_an_applied_member_is_not_reminded_of_the_window(member):
    closes = date(2021, 12, 31)
    finding(member, window_closes=closes, applied=True)
    assert kinds_on(closes, K.WINDOW_CLOSING) == []


def test_the_scan_takes_the_window_from_the_year_s_data(tree):
    person = _member(tree["unit"])
    with time_machine.travel("2021-03-10 09:00 +0800", tick=False):
        outreach_scan(full=True)
    batch = policy_data(2021).table("skill_award_batches").rows[0]
    found = Finding.objects.get(member=person, rule_id="skill_promotion_award")
    assert (found.window_opens, found.window_closes) == (batch["opens"], batch["closes"])


@pytest.mark.parametrize("row", ["hospital_days", "illness_death"])
def test_claim_deadlines_two_years_and_six_months_after_the_coverage_end(member, row):
    end = date(2020, 3, 31)
    application(member, "flexible_worker_coverage", 2019, coverage_start=date(2019, 4, 1), coverage_end=end)
    spec = policy_data(2019).table("flexible_claim_deadlines").get(row)
    last = add_months(end, spec["months"])
    on_last = kinds_on(last, K.CLAIM_DEADLINE)
    assert len(on_last) == 1 and spec["label"] in on_last[0].body
    assert kinds_on(last + timedelta(days=1), K.CLAIM_DEADLINE) == []


def test_a_returned_claim_is_reminded_before_its_180_day_deadline(member):
    accident = date(2019, 6, 1)
    days = policy_data(2019).table("flexible_claim_deadlines").get("accident_disability")["days"]
    last = accident + timedelta(days=days)
    claim = application(member, "flexible_worker_benefit", 2019, ApplicationStatus.RETURNED, claim_deadline=last)
    on_last = kinds_on(last, K.CLAIM_DEADLINE)
    assert len(on_last) == 1 and claim.reference in on_last[0].body
    assert on_last[0].link.endswith(f"/my/applications/{claim.reference}/edit/")
    assert kinds_on(last + timedelta(days=1), K.CLAIM_DEADLINE) == []


def test_flexible_workers_check_up_by_the_date_of_the_year_s_data(member):
    due = policy_data(2021).value("flexible_care_checkup_due")
    application(member, "flexible_worker_care", 2021, checkup_due=due)
    assert len(kinds_on(due, K.CHECKUP_DUE)) == 1
    assert kinds_on(due + timedelta(days=1), K.CHECKUP_DUE) == []


def test_coverage_ending_is_reminded_on_its_last_day(member):
    end = date(2019, 12, 31)  # the coverage's frozen end (the rule gives 31 December)
    application(member, "member_basic_coverage", 2019, coverage_start=date(2019, 1, 1), coverage_end=end)
    assert len(kinds_on(end, K.COVERAGE_END)) == 1
    assert kinds_on(end + timedelta(days=1), K.COVERAGE_END) == []


# --- staff ----------------------------------------------------------------------------------------


def test_worker_school_apply_by_reaches_street_staff_who_have_not_applied(tree, staff):
    due = policy_data(2019).value("worker_school_apply_by")
    got = kinds_on(due, K.APPLY_BY, kinds=["organisations"])
    assert {r.recipient_id for r in got} == {staff["street"].pk, staff["other_street"].pk}
    assert kinds_on(due + timedelta(days=1), K.APPLY_BY, kinds=["organisations"]) == []


def test_def_plans_end_with_february_for_unit_staff(tree, staff):
    closes = policy_data(2021).value("sanatorium_checkup_def_closes")
    got = kinds_on(closes, K.WINDOW_CLOSING, kinds=["organisations"])
    assert {r.recipient_id for r in got} == {staff["grassroots"].pk, staff["other_grassroots"].pk}
    assert kinds_on(closes + timedelta(days=1), K.WINDOW_CLOSING, kinds=["organisations"]) == []


def test_an_application_waiting_longer_than_n_days_reaches_the_staff_of_its_level(member, staff):
    waiting = application(member, "skill_promotion_award", 2021, ApplicationStatus.GRASSROOTS_REVIEW)
    entered = datetime(2021, 5, 3, 10, tzinfo=timezone.get_current_timezone())
    Application.objects.filter(pk=waiting.pk).update(status_changed_at=entered)
    last_quiet = date(2021, 5, 10)  # seven days waiting: not yet "longer than seven"
    assert kinds_on(last_quiet, K.REVIEW_WAITING, kinds=["waiting"], waiting_days=7) == []
    got = kinds_on(last_quiet + timedelta(days=1), K.REVIEW_WAITING, kinds=["waiting"], waiting_days=7)
    assert [r.recipient_id for r in got] == [staff["grassroots"].pk]  # not the other unit, not the street


def test_payouts_near_and_past_due_reach_district_staff_as_one_digest(member, staff):
    today = date(2021, 6, 1)
    near = application(member, "skill_promotion_award", 2021)
    past = application(member, "mentor_award", 2021)
    Application.objects.filter(pk=near.pk).update(payout_due=today + timedelta(days=7), amount=Decimal("100"))
    Application.objects.filter(pk=past.pk).update(payout_due=today - timedelta(days=1), amount=Decimal("100"))
    got = kinds_on(today, K.PAYOUT_DUE, kinds=["payouts", "waiting"], waiting_days=7)
    assert {r.recipient_id for r in got} == {staff["district"].pk, staff["district2"].pk}
    assert Notification.objects.filter(recipient=staff["district"]).count() == 1
    Application.objects.filter(pk=past.pk).update(status=ApplicationStatus.PAID)
    Application.objects.filter(pk=near.pk).update(payout_due=today + timedelta(days=9))
    assert kinds_on(today + timedelta(days=1), K.PAYOUT_DUE, kinds=["payouts"]) == []


def test_staff_get_one_digest_for_many_items(tree, staff, member):
    for status in (ApplicationStatus.GRASSROOTS_REVIEW,) * 3:
        a = application(member, "skill_promotion_award", 2021, status)
        Application.objects.filter(pk=a.pk).update(
            status_changed_at=datetime(2021, 1, 4, tzinfo=timezone.get_current_timezone())
        )
    due = policy_data(2021).value("sanatorium_checkup_def_closes")
    with time_machine.travel(datetime(2021, 2, 28, 8, tzinfo=timezone.get_current_timezone())):
        send_reminders(today=due.isoformat(), kinds=["organisations", "waiting"], waiting_days=7, lead_days=LEAD)
    assert Reminder.objects.filter(recipient=staff["grassroots"]).count() == 2  # two items
    notes = Notification.objects.filter(recipient=staff["grassroots"])
    assert notes.count() == 1 and "2项" in notes[0].title


# --- dedup and channels ---------------------------------------------------------------------------


def test_the_job_twice_sends_one_reminder(member):
    closes = date(2021, 12, 31)
    finding(member, window_closes=closes)
    run(closes)
    run(closes)
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(recipient=member.user).count() == 1


def test_channels_chosen_by_the_member(tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sms.outbox.clear()
    inbox_only, by_email, by_sms = (_member(tree["unit"]) for _ in range(3))
    by_email.user.email = "a@example.org"
    by_email.user.save()
    ChannelPreference.objects.create(user=by_email.user, email=True)
    ChannelPreference.objects.create(user=by_sms.user, sms=True)
    closes = date(2021, 12, 31)
    for person in (inbox_only, by_email, by_sms):
        finding(person, window_closes=closes)
    run(closes)
    channels = {r.recipient_id: r.channels for r in Reminder.objects.all()}
    assert channels == {
        inbox_only.user_id: ["inbox"],
        by_email.user_id: ["inbox", "email"],
        by_sms.user_id: ["inbox", "sms"],
    }
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert [phone for phone, _ in sms.outbox] == [by_sms.phone]
    assert Notification.objects.count() == 3


def test_sms_is_refused_when_no_gateway_is_configured(member, settings):
    settings.SMS_BACKEND = "members.sms.NotConfiguredBackend"
    ChannelPreference.objects.create(user=member.user, sms=True)
    closes = date(2021, 12, 31)
    finding(member, window_closes=closes)
    run(closes)
    assert Reminder.objects.get().channels == ["inbox"]


def test_every_reminder_links_to_the_page_where_the_person_acts(member, client):
    closes = date(2021, 12, 31)
    finding(member, window_closes=closes)
    run(closes)
    reminder = Reminder.objects.get()
    assert reminder.link == "/apply/skill_promotion_award/2021/"
    note = Notification.objects.get(recipient=member.user)
    assert note.link == f"/reminders/{reminder.pk}/"
    client.force_login(member.user)
    assert client.get(f"/reminders/{reminder.pk}/").url == reminder.link
    other = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=member.organisation)
    client.force_login(other)
    assert client.get(f"/reminders/{reminder.pk}/").status_code == 404
