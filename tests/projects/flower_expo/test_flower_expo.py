"""“看花博” (2021): each confirmed trip is registered and counted; the application's
“visits so far” is the district's running total; the public page shows the progress
toward “超过10000人次” and nothing about people."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.flower_expo import services
from projects.flower_expo.models import ExpoTrip
from projects.flower_expo.selectors import expo_progress, expo_visits_total
from projects.models import ApplicationStatus
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition

OUTING = {
    "visits_in_trip": 45,
    "organised_as": "spring_autumn_outing",
    "same_day_return": "true",
    "entrusted_to_travel_agency": "true",
    "agency_agreement_signed": "true",
}


@pytest.fixture(autouse=True)
def in_june_2021():
    with time_machine.travel("2021-06-10 09:00 +0800", tick=False):
        yield


def report(user, organisation, **facts):
    return application_submit(
        user=user, rule_id="flower_expo_visit", policy_year=2021, facts={**OUTING, **facts}, organisation=organisation
    )


class TestTrips:
    def test_a_confirmed_trip_is_registered_and_counted(self, tree, staff):
        application = report(staff["grassroots"], tree["unit"])
        assert application.status == ApplicationStatus.APPROVED  # no review chain
        trip = ExpoTrip.objects.get(application=application)
        assert (trip.organisation, trip.visitors, trip.visit_date) == (tree["unit"], 45, date(2021, 6, 10))
        assert trip.hardship_family_members == 0
        assert expo_visits_total(2021) == 45

    def test_visits_so_far_is_the_running_total_not_the_applicants_figure(self, tree, staff):
        first = report(staff["grassroots"], tree["unit"], visits_so_far=9000)
        assert first.facts["visits_so_far"] == 0
        second = report(staff["street"], tree["street"], visits_in_trip=30, visits_so_far=1)
        assert second.facts["visits_so_far"] == 45
        assert second.decision["details"]["running_total"] == "75"

    def test_a_cancelled_trip_drops_out_of_the_total(self, tree, staff):
        application = report(staff["grassroots"], tree["unit"])
        application_transition(user=staff["grassroots"], application=application, action="cancel")
        assert expo_visits_total(2021) == 0
        assert report(staff["grassroots"], tree["unit"]).facts["visits_so_far"] == 0

    def test_hardship_families_are_counted_by_the_organiser(self, tree, staff):
        trip = ExpoTrip.objects.get(
            application=report(staff["grassroots"], tree["unit"], includes_hardship_families="true")
        )
        assert trip.hardship_family_members is None
        with pytest.raises(ValidationError) as excinfo:
            services.expo_trip_update(
                user=staff["grassroots"], trip=trip, visit_date=date(2021, 6, 5), hardship_family_members=46
            )
        assert excinfo.value.message_dict == {
            "hardship_family_members": [services.HARDSHIP_OVER_VISITORS.format(n=46, visitors=45)]
        }
        trip = services.expo_trip_update(
            user=staff["grassroots"], trip=trip, visit_date=date(2021, 6, 5), hardship_family_members=12
        )
        assert (trip.visit_date, trip.hardship_family_members) == (date(2021, 6, 5), 12)
        assert trip.history.first().history_user == staff["grassroots"]

    @pytest.mark.parametrize(
        "who, allowed",
        [
            ("grassroots", True),
            ("other_grassroots", False),
            ("street", True),
            ("other_street", False),
            ("district", True),
        ],
    )
    def test_who_completes_a_trip(self, tree, staff, who, allowed):
        trip = ExpoTrip.objects.get(application=report(staff["grassroots"], tree["unit"]))
        if allowed:
            services.expo_trip_update(
                user=staff[who], trip=trip, visit_date=date(2021, 6, 1), hardship_family_members=0
            )
        else:
            with pytest.raises(ApplicationError) as excinfo:
                services.expo_trip_update(
                    user=staff[who], trip=trip, visit_date=date(2021, 6, 1), hardship_family_members=0
                )
            assert excinfo.value.message == services.NOT_YOURS

    def test_a_cancelled_trip_is_not_edited(self, tree, staff):
        application = report(staff["grassroots"], tree["unit"])
        application_transition(user=staff["grassroots"], application=application, action="cancel")
        with pytest.raises(ApplicationError, match="已撤回"):
            services.expo_trip_update(
                user=staff["district"],
                trip=application.expo_trip,
                visit_date=date(2021, 6, 1),
                hardship_family_members=0,
            )


class TestProgress:
    @pytest.mark.parametrize("visits, met, remaining", [(9999, False, 2), (10000, False, 1), (10001, True, 0)])
    def test_more_than_10000_is_the_target(self, tree, staff, visits, met, remaining):
        report(staff["district"], tree["district"], visits_in_trip=visits)
        progress = expo_progress(2021)
        assert (progress.total, progress.target, progress.met, progress.remaining) == (visits, 10000, met, remaining)

    def test_public_page_shows_totals_and_no_organisations(self, client, tree, staff):
        report(staff["grassroots"], tree["unit"], visits_in_trip=10001)
        response = client.get("/p/flower-expo/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "10001" in page and "超过 10000 人次" in page and "已完成目标" in page
        assert tree["unit"].name not in page

    def test_public_page_before_any_trip(self, client, db):
        page = client.get(reverse("flower_expo:progress")).content.decode()
        assert "距目标尚差 10001 人次" in page


class TestAdmin:
    @pytest.mark.parametrize(
        "who, status",
        [("grassroots", 200), ("other_grassroots", 404), ("street", 200), ("other_street", 404), ("district", 200)],
    )
    def test_scope(self, client, tree, staff, who, status):
        trip = ExpoTrip.objects.get(application=report(staff["grassroots"], tree["unit"]))
        client.force_login(staff[who])
        assert client.get(reverse("admin:flower_expo_expotrip_change", args=[trip.pk])).status_code == status

    def test_visitors_stay_as_confirmed(self, client, tree, staff):
        trip = ExpoTrip.objects.get(application=report(staff["grassroots"], tree["unit"]))
        client.force_login(staff["grassroots"])
        response = client.post(
            reverse("admin:flower_expo_expotrip_change", args=[trip.pk]),
            {"visit_date": "2021-06-08", "hardship_family_members": "3", "visitors": "900"},
        )
        assert response.status_code == 302
        trip.refresh_from_db()
        assert (trip.visit_date, trip.hardship_family_members, trip.visitors) == (date(2021, 6, 8), 3, 45)


def test_the_apply_form_shows_the_running_total_locked(client, tree, staff):
    report(staff["grassroots"], tree["unit"], visits_in_trip=120)
    client.force_login(staff["street"])
    response = client.get(reverse("projects:apply", args=["flower_expo_visit", 2021]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["visits_so_far"].disabled and form.initial["visits_so_far"] == "120"


@pytest.mark.parametrize("who", ["grassroots", "street", "district"])
def test_changelist_renders(client, tree, staff, who):
    application = report(staff["grassroots"], tree["unit"])
    client.force_login(staff[who])
    response = client.get(reverse("admin:flower_expo_expotrip_changelist"))
    assert response.status_code == 200 and application.reference in response.content.decode()
