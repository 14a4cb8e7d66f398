"""Issue 13, "a demo that works today": on a fresh database, `seed_demo --members 50` lets a demo
member (or a demo unit's / street's union, where the documents name them the applicant) apply for
at least one rule of every project family *today*, through the real submission service under the
seeded demo year. Nothing is frozen: the real date, and the demo year the seed opens for it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from members.models import Member, User
from projects.models import Offering
from projects.services.attachments import AttachmentUpload
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from subsidies.rules import registry
from subsidies.rules.facts import FactsError
from tests.files import PNG

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(kind, name="证明.pdf"):
    return (kind, name, PDF)


def _png(kind, name="照片.png"):
    return (kind, name, PNG)


def candidates(today):
    """(project family, rule, who applies, facts, uploads) — a few per family; the first that goes
    through counts. Dates are today's or the demo year's (its windows were moved into this year)."""
    day = today.isoformat()
    built = f"{today.year}-06-01"  # inside the demo year's moved 建立日期 windows
    from tests.doors.world import _roster_xlsx

    return [
        ("legal_aid", "legal_aid", "member", {"claim_kind": "wages", "monthly_income": "3000"}, []),
        ("micro_wishes", "micro_wish", "member", {"in_service": "true", "channel": "personal", "category": "item"}, []),
        (
            "singles",
            "singles_event",
            "member",
            {"marital_status": "single", "real_name_verified": "true", "channel": "online_platform"},
            [],
        ),
        ("culture_classes", "culture_class_booking", "member", {"booker": "individual", "form_completed": "true"}, []),
        ("tickets", "ticket_booking", "member", {"booker": "individual", "form_completed": "true"}, []),
        ("counselling", "counselling_appointment", "member", {"in_service": "true", "channel": "wechat"}, []),
        (
            "counselling",
            "counselling_lecture",
            "unit",
            {"course_form_completed": "true", "applied_to_upper_union": "true"},
            [],
        ),
        ("member_card", "member_basic_coverage", "unit", {"plan_class": "A"}, []),
        ("member_card", "member_basic_coverage", "member", {"plan_class": "A"}, []),
        (
            "member_card",
            "district_condolence_payment",
            "member",
            {
                "diagnosis_date": day,
                "twelve_illnesses": "true",
                "hospitalised": "true",
                "first_diagnosis": "true",
                "in_city_mutual_aid_plan": "false",
            },
            [_pdf("medical_certificate")],
        ),
        ("flexible_workers", "flexible_worker_care", "member", {"joined_union_voluntarily": "true"}, []),
        ("flexible_workers", "flexible_worker_coverage", "member", {}, []),
        (
            "skill_awards",
            "patent_award",
            "member",
            {
                "is_first_inventor": "true",
                "is_frontline": "true",
                "has_worker_status": "true",
                "is_full_time_rnd": "false",
                "invalidated": "false",
                "patent_kind": "invention",
                "patent_number": "ZL202610000001",
                "granted_on": day,
            },
            [_pdf("patent_certificate")],
        ),
        (
            "skill_awards",
            "skill_promotion_award",
            "member",
            {
                "level_reached": "technician",
                "certificate_number": "2026000001",
                "certificate_issued_on": day,
                "certificate_issuer": "shanghai_hrss",
                "assessed_by_shanghai_centre": "true",
                "route": "unit",
            },
            [_pdf("certificate")],
        ),
        ("sanatorium", "sanatorium_plan", "unit", {"plan": "A", "participants": 10}, []),
        ("sanatorium", "health_checkup", "member", {"plan": "A", "checkup_date": day}, []),
        (
            "sanatorium",
            "resort_room_subsidy",
            "member",
            {"resort": "dongtan", "room_type": "standard", "check_in_date": day, "nights": 1, "rooms": 1},
            [],
        ),
        (
            "sanitation_insurance",
            "sanitation_worker_insurance",
            "unit",
            {"insured_workers": 3, "all_paying_social_insurance": "true"},
            [("roster", "名册.xlsx", _roster_xlsx(3))],
        ),
        (
            "reading_rooms",
            "reading_room",
            "unit",
            {"point_type": "demo", "books": 2300, "periodicals": 12, "audio_video": 60},
            [],
        ),
        ("womens_care", "mommy_room_grant", "unit", {"built_on": built}, [_png("photo")]),
        (
            "womens_care",
            "parent_child_studio_grant",
            "unit",
            {"built_on": built, "location": "enterprise", "class_type": "holiday", "children": 30, "weeks": "4"},
            [],
        ),
        (
            "worker_school",
            "worker_school_grant",
            "street",
            {"built_on": built, "asset_spend": "80000"},
            [_pdf("invoice", "invoice.pdf")],
        ),
        (
            "flower_expo",
            "flower_expo_visit",
            "unit",
            {
                "visits_in_trip": 45,
                "organised_as": "spring_autumn_outing",
                "same_day_return": "true",
                "entrusted_to_travel_agency": "true",
                "agency_agreement_signed": "true",
            },
            [],
        ),
        ("caravan", "caravan_visit", "unit", {"host_kind": "unit", "host_in_district": "true"}, []),
        ("legal_checkup", "legal_checkup", "unit", {"three_basic_works_ready": "true"}, []),
        (
            "legal_checkup",
            "legal_checkup",
            "street_unit",
            {"three_basic_works_ready": "true", "exception_reason": "街镇总工会推荐：规模较小的企业试点"},
            [],
        ),
        (
            "health_points",
            "health_service_point",
            "street",
            {
                k: "true"
                for k in (
                    "in_cluster_area",
                    "built_on_existing_station",
                    "has_private_area",
                    "has_basic_equipment",
                    "plaque_displayed",
                    "service_notice_posted",
                    "cooperation_agreement_signed",
                    "gp_team_assigned",
                )
            },
            [],
        ),
    ]


def _try(rule_id, year, who, facts, uploads, members):
    """The first applicant the submission service accepts: (applicant name, None) or (None, why)."""
    from django.db import transaction

    rule = registry.get(rule_id, year)
    offerings = list(Offering.objects.filter(rule_id=rule_id, policy_year=year)) or [None]
    if who == "member":
        applicants = [(m.user, {"member": m}, str(m)) for m in members]
    elif who == "street_unit":  # a street union applies for one of its units (2021: the street lists them)
        from members.models import Organisation

        login = User.objects.select_related("organisation").get(username="street")
        units = Organisation.objects.filter(street_id=login.organisation_id, level="grassroots").order_by("code")
        applicants = [(login, {"organisation": unit}, str(unit)) for unit in units]
    else:
        login = User.objects.select_related("organisation").get(username="grassroots" if who == "unit" else "street")
        applicants = [(login, {"organisation": login.organisation}, str(login.organisation))]
        applicants += [(u, {"organisation": u.organisation}, str(u.organisation)) for u in _union_logins(who, login)]
    seen: list[str] = []
    for user, who_kwargs, name in applicants:
        for offering in offerings:
            try:
                with transaction.atomic():
                    application_submit(
                        user=user,
                        rule_id=rule_id,
                        policy_year=year,
                        facts=facts,
                        uploads=[_again(u) for u in uploads],
                        offering=offering,
                        **who_kwargs,
                    )
                return name, None
            except Exception as exc:  # ApplicationError, FactsError, QuotaFull: the reason, for the report
                why = str(exc) if isinstance(exc, (ApplicationError, FactsError)) else f"{type(exc).__name__}: {exc}"
                if why not in seen:
                    seen.append(why)
    return None, f"{rule.title}: {' / '.join(seen[:4])}"


def _again(upload):
    """A fresh copy of an upload for each attempt (a submission reads its file once)."""
    kind, name, content = upload
    return AttachmentUpload(kind, SimpleUploadedFile(name, content))


def _union_logins(who, first):
    """Every other demo unit's (or street's) union as a login of its own, as each would sign in."""
    from members.models import Organisation, StaffRole

    level = "grassroots" if who == "unit" else "street"
    role = StaffRole.GRASSROOTS if who == "unit" else StaffRole.STREET
    logins = []
    for organisation in Organisation.objects.filter(level=level).exclude(pk=first.organisation_id).order_by("code"):
        user, _ = User.objects.get_or_create(
            username=f"demo-{organisation.code}",
            defaults={"role": role, "organisation": organisation, "is_staff": True},
        )
        logins.append(user)
    return logins


def test_every_project_family_takes_an_application_today():
    from projects.demo import _demo_login

    call_command("seed_demo", members=50, verbosity=0)
    registry.refresh()
    today = timezone.localdate()
    year = registry.year_in_force(today)
    assert year == today.year, "the seed opens a demo year for the current year, in force from today"
    from django.contrib.auth.hashers import make_password

    password = make_password("x")
    members = list(Member.objects.select_related("user", "organisation").order_by("card_number")[:60])
    for member in members:
        _demo_login(member, password)
    families = {r.project for r in registry.all_rules() if r.policy_year == year}
    passed: dict[str, str] = {}
    failures: dict[str, list[str]] = {}
    for family, rule_id, who, facts, uploads in candidates(today):
        if family in passed:
            continue
        applicant, why = _try(rule_id, year, who, facts, uploads, members)
        if applicant:
            passed[family] = f"{rule_id} ({applicant})"
        else:
            failures.setdefault(family, []).append(why)
    print("\nfamilies that take an application today:")
    for family in sorted(families):
        print(f"  {family}: {passed.get(family) or '—  ' + ' | '.join(failures.get(family, ['no candidate']))}")
    # A family the documents give no online application for (the service says so) is not missing.
    offline = {f for f, whys in failures.items() if f not in passed and all(w.endswith("无需在线申请。") for w in whys)}
    for family in sorted(offline):
        print(f"  ({family}: 文件规定无需在线申请)")
    missing = sorted(families - set(passed) - offline)
    assert not missing, "\n".join(f"{f}: {failures.get(f)}" for f in missing)
