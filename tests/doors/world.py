"""The world the door matrix (test_matrix.py) walks through: the people, one object per model in
"our" scope and one in another scope (or one global object for district-managed data), the forms a
browser would send, and a snapshot of the tables a write could touch.

Objects are made the way the project makes them (services, procedures, the suite's factories), each at
a date its policy year allows. A maker's tags say where the object lives:

    "own"…   inside tree["unit"] / tree["street"] (the grassroots and street roles' scope)
    "other"… inside tree["far_unit"] / tree["other_street"] (only other_street, the district and
             the superuser see it)
    "global" shared reference data, scoped by permission only
    "hidden"… a row the admin keeps out of every list (e.g. a member's portal login among staff
             accounts): nobody may reach it through that admin
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from members.models import Organisation, StaffRole, User
from tests.factories import DuesRecordFactory, MemberFactory, StaffUserFactory, make_id_number
from tests.projects.conftest import _member, submit_promotion

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
from tests.files import PNG  # noqa: E402  (a real image: the upload check walks its chunks)

COUNSELLORS = "心理咨询师"

# The roles the matrix tries at every door. "member" is a portal login (not staff).
ROLES = (
    "anonymous",
    "member",
    "grassroots",
    "other_grassroots",
    "street",
    "other_street",
    "district",
    "superuser",
    "counsellor",
)


def at(when: str):
    return time_machine.travel(when, tick=False)


def scope_of(tag: str) -> str:
    """ "own", "other", "global" or "hidden" for a tag such as "own_approved"."""
    return tag.split("_", 1)[0]


@dataclass
class World:
    tree: dict[str, Organisation]
    users: dict[str, User | None]
    member: object  # the portal member of tree["unit"]
    district2: User
    ctx: dict = field(default_factory=dict)  # what a maker keeps for its add forms and doors

    def unit(self, tag: str) -> Organisation:
        return self.tree["unit" if scope_of(tag) == "own" else "far_unit"]

    def street(self, tag: str) -> Organisation:
        return self.tree["street" if scope_of(tag) == "own" else "other_street"]

    def street_staff(self, tag: str) -> User:
        return self.users["street" if scope_of(tag) == "own" else "other_street"]

    def unit_staff(self, tag: str) -> User:
        """Grassroots staff of the unit of `tag` (far_unit's is not a matrix role: made on demand)."""
        if scope_of(tag) == "own":
            return self.users["grassroots"]
        if "far_grassroots" not in self.ctx:
            self.ctx["far_grassroots"] = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=self.tree["far_unit"])
        return self.ctx["far_grassroots"]

    def portal_member(self, tag: str):
        if scope_of(tag) == "own":
            return self.member
        if "far_member" not in self.ctx:
            self.ctx["far_member"] = _member(self.tree["far_unit"])
        return self.ctx["far_member"]


def build_world(tree, staff, member) -> World:
    superuser = User.objects.create_superuser("matrix-root", password="Root#Passw0rd-1")
    counsellor = StaffUserFactory(role=StaffRole.MEMBER, organisation=None, username="matrix-counsellor")
    counsellor.groups.add(Group.objects.get(name=COUNSELLORS))
    users = {
        "anonymous": None,
        "member": member.user,
        **{r: staff[r] for r in ("grassroots", "other_grassroots", "street", "other_street", "district")},
        "superuser": superuser,
        "counsellor": counsellor,
    }
    return World(tree=tree, users=users, member=member, district2=staff["district2"])


# --- Makers ----------------------------------------------------------------------------------------


@dataclass
class Maker:
    """How to make a model's objects, what a browser posts to change one, and what else to watch.

    make:     world → {tag: object}
    edit:     change-form inputs to set (a visible field modified); None: nothing is editable
    add:      (world, tag) → add-form inputs for a new object in that scope; None: the add form is
              posted with the own object's values (nobody should be able to add)
    move:     (world) → change-form inputs that would move the own object into the other scope
    refer:    (world) → change-form inputs naming another scope's object in a field that does not place
              the own object (e.g. the union that certified a member's hardship)
    inline:   (model of an editable inline, change body → inputs adding one row to it)
    watch:    further models whose tables a write through this admin could touch
    """

    make: Callable[[World], dict]
    edit: Callable[[World], dict] | None = None
    add: Callable[[World, str], dict] | None = None
    move: Callable[[World], dict] | None = None
    refer: Callable[[World], dict] | None = None
    inline: tuple[str, Callable[[dict], dict]] | None = None
    watch: tuple[str, ...] = ()
    body_from: str = "superuser"


def _approve(user, application):
    from projects.services.transitions import application_transition

    return application_transition(user=user, application=application, action="approve")


def _submit(**kwargs):
    from projects.services.submission import application_submit

    return application_submit(**kwargs)


# members ------------------------------------------------------------------------------------------


def make_organisations(w):
    return {"own": w.tree["unit"], "other": w.tree["far_unit"]}


def add_organisation(w, tag):
    return {
        "code": f"MX-{tag}",
        "name": f"矩阵新单位{tag}工会",
        "level": "grassroots",
        "parent": w.street(tag).pk,
        "unit_type": "enterprise",
        "industry": "C",
        "employee_count": "50",
        "union_established": "on",
    }


def make_members(w):
    return {"own": w.member, "other": w.portal_member("other")}


def add_member(w, tag):
    n = 1 if tag == "own" else 2
    return {
        "card_number": f"329999990{n}",
        "name": f"矩阵新会员{n}",
        "id_number": make_id_number(date(1991, 2, 3), n),
        "phone": f"1390000000{n}",
        "organisation": w.unit(tag).pk,
        "employment_type": "employee",
        "monthly_income": "5000.00",
        "card_issued_on": "2024-01-01",
        "is_active": "on",
    }


def make_dues(w):
    return {"own": DuesRecordFactory(member=w.member), "other": DuesRecordFactory(member=w.portal_member("other"))}


def add_dues(w, tag):
    return {
        "member": w.portal_member(tag).pk,
        "year": "2025",
        "amount": "120.00",
        "paid_on": "2025-01-05",
        "paid_in_one_go": "on",
    }


def make_accounts(w):
    own = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=w.tree["unit"], username="matrix-own-clerk")
    other = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=w.tree["far_unit"], username="matrix-far-clerk")
    # A member's portal login: its password is the member's own and it follows the member record.
    return {"own": own, "other": other, "hidden_member_login": w.member.user}


def add_account(w, tag):
    return {
        "username": f"matrix-new-{tag}",
        "first_name": "矩阵新账号",
        "role": "grassroots",
        "organisation": w.unit(tag).pk,
        "password1": "Mx9#new-Passw0rd!",
        "password2": "Mx9#new-Passw0rd!",
        "usable_password": "true",
    }


# subsidies ----------------------------------------------------------------------------------------


def make_reference_value(w):
    from subsidies import services

    return {
        "global": services.reference_value_set(
            series="minimum_wage", effective_from=date(2030, 7, 1), amount=Decimal("3000.00"), source="矩阵测试"
        )
    }


def add_reference_value(w, tag):
    return {"series": "minimum_wage", "effective_from": "2031-07-01", "amount": "3100.00", "source": "矩阵测试新增"}


POLICY_PARAM = (2019, "param", "patent_award_amount")


def make_policy_override(w):
    from subsidies import services

    year, kind, name = POLICY_PARAM
    return {
        "global": services.policy_override_set(
            user=w.users["district"], year=year, kind=kind, name=name, value="2500", reason="市总补充通知"
        )
    }


POLICY_DRAFT_YEAR = 2030  # a draft policy year opened by the second district user (issue 13)


def policy_draft(w):
    """A draft year opened by district2, so that the matrix's district user may publish it."""
    from subsidies import services
    from subsidies.models import PolicyYear

    return PolicyYear.objects.filter(year=POLICY_DRAFT_YEAR).first() or services.policy_year_open(
        user=w.district2, year=POLICY_DRAFT_YEAR, source_year=2021, note="矩阵草稿"
    )


def approved_award(w, tag="own"):
    """A promotion award approved at every level (grassroots, district, city recorded by a second
    district reviewer): approved, with an amount, ready for a payout batch."""
    application = submit_promotion(w.portal_member(tag))
    for user in (w.unit_staff(tag), w.users["district"], w.district2):
        _approve(user, application)
    application.refresh_from_db()
    return application


def make_payout_batch(w):
    from payouts.services import payout_batch_prepare

    return {"global": payout_batch_prepare(user=w.district2, applications=[approved_award(w)])}


# projects -----------------------------------------------------------------------------------------


def make_applications(w):
    return {
        "own": submit_promotion(w.member),
        "own_approved": approved_award(w),
        "other": submit_promotion(w.portal_member("other")),
    }


def _offering(w, tag):
    from projects.services.offerings import offering_create

    with at("2021-04-01 09:00 +0800"):
        return offering_create(
            user=w.street_staff(tag),
            rule_id="singles_event",
            policy_year=2021,
            title=f"矩阵交友{tag}",
            starts_at=datetime(2021, 5, 1, 14, tzinfo=SHANGHAI),
            capacity=30,
            organiser=w.street(tag),
            facts={"event_date": "2021-05-01"},
        )


def make_offerings(w):
    return {"own": _offering(w, "own"), "other": _offering(w, "other")}


def add_offering(w, tag):
    return {
        "rule_id": "singles_event",
        "policy_year": "2021",
        "title": f"矩阵新场次{tag}",
        "starts_at_0": "2031-05-01",
        "starts_at_1": "14:00:00",
        "capacity": "20",
        "organiser": w.street(tag).pk,
        "facts": "{}",
        "is_open": "on",
    }


def make_quota_pool(w):
    from projects.models import QuotaPool

    return {
        "global": QuotaPool.objects.create(
            key="matrix:pool", project="reading_rooms", policy_year=2019, label="矩阵名额", capacity=10
        )
    }


def add_quota_pool(w, tag):
    return {
        "key": "matrix:new-pool",
        "project": "reading_rooms",
        "policy_year": "2019",
        "label": "矩阵新名额",
        "capacity": "5",
    }


# worker_school ------------------------------------------------------------------------------------


def _site_check(w, tag, school_name="矩阵职工学堂"):
    from projects.worker_school import services

    return services.site_check_record(
        user=w.users["district"],
        street_union=w.street(tag),
        policy_year=2019,
        school_name=school_name,
        address="嘉定区测试路8号",
        checked_at=datetime(2019, 7, 30, 14, 0, tzinfo=SHANGHAI),
        passed=True,
        note="",
    )


def make_site_checks(w):
    with at("2019-08-01 10:00 +0800"):
        return {"own": _site_check(w, "own"), "other": _site_check(w, "other")}


def add_site_check(w, tag):
    return {
        "street_union": w.street(tag).pk,
        "policy_year": "2019",
        "school_name": f"矩阵新学堂{tag}",
        "address": "嘉定区新址1号",
        "checked_at_0": "2019-07-29",
        "checked_at_1": "10:00:00",
        "passed": "on",
        "note": "",
    }


def make_worker_schools(w):
    from projects.worker_school.models import WorkerSchool

    schools = {}
    with at("2019-08-01 10:00 +0800"):
        for tag in ("own", "other"):
            _site_check(w, tag)
            application = _submit(
                user=w.street_staff(tag),
                rule_id="worker_school_grant",
                policy_year=2019,
                facts={"built_on": "2019-05-01", "asset_spend": "80000"},
                organisation=w.street(tag),
                uploads=[_upload("invoice", "invoice.pdf", PDF)],
            )
            _approve(w.users["district"], application)
            schools[tag] = WorkerSchool.objects.get(application=application)
    return schools


def _upload(kind, name, content):
    from projects.services.attachments import AttachmentUpload

    return AttachmentUpload(kind, SimpleUploadedFile(name, content))


# legal --------------------------------------------------------------------------------------------


def make_centre(w):
    from projects.legal import services
    from projects.legal.models import LegalAidCentre

    centre = LegalAidCentre(
        name="矩阵法律援助工作站",
        kind="street_branch",
        street=w.tree["street"],
        address="嘉定区测试路2号",
        phone="021-59990009",
    )
    return {"global": services.legal_aid_centre_save(user=w.users["district"], centre=centre)}


def add_centre(w, tag):
    return {
        "name": "矩阵新工作站",
        "kind": "street_branch",
        "street": w.tree["other_street"].pk,
        "address": "嘉定区新址2号",
        "phone": "021-59990010",
        "is_active": "on",
    }


def make_lawyer(w):
    from projects.legal import services
    from projects.legal.models import CentreKind, Lawyer, LegalAidCentre

    centre = LegalAidCentre.objects.get(kind=CentreKind.DISTRICT_CENTRE)
    lawyer = Lawyer(name="矩阵律师", centre=centre, phone="021-59990001", licence_number="13101200910999999")
    return {"global": services.lawyer_save(user=w.users["district"], lawyer=lawyer)}


def add_lawyer(w, tag):
    from projects.legal.models import CentreKind, LegalAidCentre

    centre = LegalAidCentre.objects.get(kind=CentreKind.DISTRICT_CENTRE)
    return {
        "name": "矩阵新律师",
        "centre": centre.pk,
        "phone": "021-59990002",
        "licence_number": "13101200910888888",
        "is_active": "on",
    }


def make_legal_cases(w):
    from projects.legal.models import CentreKind, Lawyer, LegalAidCase, LegalAidCentre

    centre = LegalAidCentre.objects.get(kind=CentreKind.DISTRICT_CENTRE)
    w.ctx["centre"] = centre
    w.ctx["lawyer"] = Lawyer.objects.create(
        name="王明", centre=centre, phone="021-59990001", licence_number="13101200910123456"
    )
    cases = {}
    with at("2019-06-03 09:00 +0800"):
        for tag in ("own", "other"):
            member = w.portal_member(tag)
            application = _submit(
                user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
            )
            _approve(w.users["district"], application)  # 受理
            application.refresh_from_db()
            _approve(w.district2, application)  # 审核, by another district staff member
            cases[tag] = LegalAidCase.objects.get(application=application)
    return cases


def edit_legal_case(w):
    return {"centre": w.ctx["centre"].pk, "lawyer": w.ctx["lawyer"].pk}


def _allocate(w, tag, places=2):
    from projects.legal import services

    return services.legal_checkup_allocate(
        user=w.users["district"], street=w.street(tag), policy_year=2021, places=places
    )


def make_allocations(w):
    from projects.legal.models import LegalCheckupAllocation

    return {tag: LegalCheckupAllocation.objects.get(pk=_allocate(w, tag).pk) for tag in ("own", "other")}


def add_allocation(w, tag):
    return {"street": w.street(tag).pk, "policy_year": "2021", "places": "4"}


def make_checkup_records(w):
    from projects.legal.models import LegalCheckupRecord

    records = {}
    with at("2021-02-01 09:00 +0800"):
        for tag in ("own", "other"):
            _allocate(w, tag)
            application = _submit(
                user=w.unit_staff(tag), rule_id="legal_checkup", policy_year=2021, facts={}, organisation=w.unit(tag)
            )
            # The street union's list is its reviewer's fact, supplied before it approves.
            from projects.services.review_facts import application_supply_facts

            application_supply_facts(
                user=w.street_staff(tag), application=application, facts={"on_street_list": "true"}
            )
            _approve(w.street_staff(tag), application)
            _approve(w.users["district"], application)
            records[tag] = LegalCheckupRecord.objects.get(application=application)
    return records


# flexible_workers ---------------------------------------------------------------------------------


def _care_application(w, tag):
    from members import services as member_services
    from tests.projects.conftest import PASSWORD

    flex = MemberFactory(
        organisation=w.street(tag),
        employment_type="flexible_worker",
        flexible_industry="express_logistics",
        has_city_medical_insurance=False,
    )
    member_services.member_account_create(member=flex, password=PASSWORD)
    DuesRecordFactory(member=flex, year=2021, paid_on=date(2021, 1, 5), paid_in_one_go=True)
    with at("2021-03-01 09:00 +0800"):
        application = _submit(
            user=flex.user,
            rule_id="flexible_worker_care",
            policy_year=2021,
            facts={"joined_union_voluntarily": True},
            member=flex,
        )
        return _approve(w.street_staff(tag), application)


def make_deliveries(w):
    from projects.flexible_workers import services

    deliveries = {}
    with at("2021-07-15 10:00 +0800"):
        for tag in ("own", "other"):
            application = _care_application(w, tag)
            w.ctx[f"care_{tag}"] = application
            deliveries[tag] = services.five_services_record(
                user=w.street_staff(tag),
                application=application,
                kind="cooling_gift",
                delivered_on=date(2021, 7, 10),
                gift_form="goods",
            )
    return deliveries


def add_delivery(w, tag):
    return {
        "application": w.ctx[f"care_{tag}"].pk,
        "kind": "warmth_gift",
        "delivered_on": "2021-07-12",
        "gift_form": "goods",
        "note": "矩阵新增",
    }


def _paid_flexible_member(w, tag, n):
    from members import services as member_services
    from tests.projects.conftest import PASSWORD

    member = MemberFactory(
        organisation=w.street(tag),
        employment_type="flexible_worker",
        flexible_industry="express_logistics",
        has_city_medical_insurance=False,
    )
    member_services.member_account_create(member=member, password=PASSWORD)
    DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, n), paid_in_one_go=True)
    DuesRecordFactory(
        member=member, year=date.today().year, paid_on=date(date.today().year, 1, n), paid_in_one_go=True
    )  # the dues of the year the registration is made in
    return member


def make_registrations(w):
    from projects.flexible_workers.registration import flexible_worker_register

    registrations = {}
    for tag in ("own", "other"):  # registered by the add form today
        w.ctx[f"unregistered_{tag}"] = _paid_flexible_member(w, tag, 2)
    with at("2019-05-20 10:00 +0800"):
        for tag in ("own", "other"):
            registrations[tag] = flexible_worker_register(
                user=w.street_staff(tag), member=_paid_flexible_member(w, tag, 1)
            )
    return registrations


def add_registration(w, tag):
    return {"member": w.ctx[f"unregistered_{tag}"].pk, "uploaded_on": "2019-05-20"}


# sanitation ---------------------------------------------------------------------------------------


def _roster_xlsx(first: int, count=3) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "正常缴纳社保(是/否)"])
    for i in range(count):
        sheet.append([f"职工{i}", make_id_number(date(1975, 3, 1), first + i), "是"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_rosters(w):
    from projects.sanitation.models import SanitationRoster

    rosters = {}
    with at("2019-07-01 09:00 +0800"):
        for tag in ("own", "other"):
            Organisation.objects.filter(pk=w.unit(tag).pk).update(is_sanitation_operator=True)
            w.unit(tag).refresh_from_db()
            application = _submit(
                user=w.unit_staff(tag),
                rule_id="sanitation_worker_insurance",
                policy_year=2019,
                facts={"insured_workers": 3, "all_paying_social_insurance": True, "is_sanitation_operator": True},
                organisation=w.unit(tag),
                uploads=[_upload("roster", "名册.xlsx", _roster_xlsx(1 if tag == "own" else 11))],
            )
            rosters[tag] = SanitationRoster.objects.get(pk=application.pk)
    return rosters


# counselling --------------------------------------------------------------------------------------


def make_counselling_records(w):
    from projects.services.offerings import offering_create

    records = {}
    with at("2019-06-01 09:00 +0800"):
        slot = offering_create(
            user=w.users["district"],
            rule_id="counselling_appointment",
            policy_year=2019,
            title="个案咨询（周一上午）",
            starts_at=datetime(2019, 6, 10, 9, tzinfo=SHANGHAI),
            capacity=3,
            organiser=w.tree["district"],
            location="嘉定工会职工心理咨询室",
        )
        for tag in ("own", "other"):
            member = w.portal_member(tag)
            application = _submit(
                user=member.user,
                rule_id="counselling_appointment",
                policy_year=2019,
                facts={"in_service": True, "channel": "wechat"},
                member=member,
                offering=slot,
            )
            records[tag] = application.counselling_record
    return records


def _approved_lecture(w, tag):
    application = _submit(
        user=w.unit_staff(tag),
        rule_id="counselling_lecture",
        policy_year=2019,
        facts={"course_form_completed": True, "applied_to_upper_union": True},
        organisation=w.unit(tag),
    )
    _approve(w.street_staff(tag), application)
    return _approve(w.users["district"], application)


def make_lectures(w):
    from projects.counselling.services import lecture_schedule_create

    lectures = {}
    with at("2019-06-01 09:00 +0800"):
        for tag in ("own", "other"):
            application = _approved_lecture(w, tag)
            lectures[tag] = lecture_schedule_create(
                user=w.users["district"],
                application=application,
                lecture_date=date(2019, 6, 20),
                start_time=time(14, 0),
                end_time=time(15, 30),
                venue="单位多功能厅",
                topic="职场压力与情绪管理",
                lecturer="区精神卫生中心张医生",
            )
            w.ctx[f"lecture_{tag}"] = _approved_lecture(w, tag)  # approved, not yet scheduled: for the add form
    return lectures


def add_lecture(w, tag):
    return {
        "application": w.ctx[f"lecture_{tag}"].pk,
        "date": "2031-06-21",
        "start_time": "14:00:00",
        "end_time": "",
        "venue": "单位会议室",
        "topic": "矩阵讲座",
        "lecturer": "李老师",
    }


# health_points ------------------------------------------------------------------------------------

POINT = {
    "address": "叶城路1号",
    "area_kind": "park",
    "area_served": "嘉定工业区北区",
    "community_health_centre": "嘉定工业区社区卫生服务中心",
    "built_on": "worker_service_station",
    "gp_team": "王医生团队",
    "manager": "李站长",
    "appointment_phone": "021-59990000",
}


def _point(w, tag):
    from projects.health_points.models import HealthServicePoint
    from projects.health_points.services import health_point_save

    return health_point_save(
        user=w.street_staff(tag),
        point=HealthServicePoint(
            street=w.street(tag), name=f"矩阵健康服务点{tag}", agreement_signed_on=date(2021, 3, 1), **POINT
        ),
    )


def make_points(w):
    with at("2021-05-15 10:00 +0800"):
        return {tag: _point(w, tag) for tag in ("own", "other")}


def add_point(w, tag):
    return {
        "street": w.street(tag).pk,
        "name": f"矩阵新服务点{tag}",
        "is_active": "on",
        **POINT,
        "in_cluster_area": "on",
        "offers_consultation_services": "on",
    }


def make_events(w):
    from projects.health_points.services import service_event_create

    events = {}
    with at("2021-05-15 10:00 +0800"):
        for tag in ("own", "other"):
            w.ctx[f"point_{tag}"] = point = _point(w, tag)
            events[tag] = service_event_create(
                user=w.street_staff(tag),
                point=point,
                kind="consultation",
                event_date=date(2021, 5, 20),
                start_time=time(12, 0),
                end_time=time(14, 0),
                topic="健康咨询",
            )
    return events


def add_event(w, tag):
    return {
        "point": w.ctx[f"point_{tag}"].pk,
        "kind": "consultation",
        "date": "2031-05-20",
        "start_time": "09:00:00",
        "end_time": "11:00:00",
        "topic": "矩阵问诊",
        "venue": "",
        "doctor": "",
        "notice_posted_on": "",
    }


# reading_rooms, womens_care, flower_expo, member_card, micro_wishes ---------------------------------


def make_reading_rooms(w):
    from projects.reading_rooms.models import ReadingRoom

    rooms = {}
    for tag in ("own", "other"):
        application = _submit(
            user=w.unit_staff(tag),
            rule_id="reading_room",
            policy_year=2019,
            facts={"point_type": "demo", "books": 2300, "periodicals": 12, "audio_video": 60},
            organisation=w.unit(tag),
        )
        with at("2019-10-08 10:00 +0800"):
            _approve(w.users["district"], application)
        rooms[tag] = ReadingRoom.objects.get(application=application)
    return rooms


def make_mommy_rooms(w):
    from projects.womens_care.models import MommyRoom

    rooms = {}
    for tag in ("own", "other"):
        Organisation.objects.filter(pk=w.unit(tag).pk).update(address="嘉定区测试路1号")
        w.unit(tag).refresh_from_db()
        application = _submit(
            user=w.unit_staff(tag),
            rule_id="mommy_room_grant",
            policy_year=2019,
            facts={"built_on": "2019-03-01"},
            organisation=w.unit(tag),
            uploads=[_upload("photo", "r.png", PNG)],
        )
        _approve(w.users["district"], application)
        rooms[tag] = MommyRoom.objects.get(application=application)
    return rooms


def make_studios(w):
    from projects.womens_care.models import ParentChildStudio

    studios = {}
    for tag in ("own", "other"):
        application = _submit(
            user=w.unit_staff(tag),
            rule_id="parent_child_studio_grant",
            policy_year=2019,
            facts={
                "built_on": "2019-05-01",
                "location": "enterprise",
                "class_type": "holiday",
                "children": 30,
                "weeks": "4",
            },
            organisation=w.unit(tag),
        )
        _approve(w.users["district"], application)
        studios[tag] = ParentChildStudio.objects.get(application=application)
    return studios


def make_trips(w):
    from projects.flower_expo.models import ExpoTrip

    trips = {}
    with at("2021-06-10 09:00 +0800"):
        for tag in ("own", "other"):
            application = _submit(
                user=w.unit_staff(tag),
                rule_id="flower_expo_visit",
                policy_year=2021,
                facts={
                    "visits_in_trip": 45,
                    "organised_as": "spring_autumn_outing",
                    "same_day_return": "true",
                    "entrusted_to_travel_agency": "true",
                    "agency_agreement_signed": "true",
                },
                organisation=w.unit(tag),
            )
            trips[tag] = ExpoTrip.objects.get(application=application)
    return trips


def make_coverage_classes(w):
    from projects.member_card import services

    return {
        tag: services.unit_coverage_class_choose(
            user=w.unit_staff(tag), unit=w.unit(tag), policy_year=2021, plan_class="A"
        )
        for tag in ("own", "other")
    }


def add_coverage_class(w, tag):
    return {"unit": w.unit(tag).pk, "policy_year": "2019", "plan_class": "B"}


def make_wishes(w):
    from members.models import Member
    from projects.micro_wishes.models import MicroWish

    wishes = {}
    with at("2021-06-01 10:00 +0800"):
        for tag in ("own", "other"):
            member = w.portal_member(tag)
            Member.objects.filter(pk=member.pk).update(
                hardship_certified_by=w.street(tag), hardship_certified_on=date(2021, 1, 5)
            )
            member.refresh_from_db()
            application = _submit(
                user=member.user,
                rule_id="micro_wish",
                policy_year=2021,
                facts={"in_service": "true", "channel": "personal", "category": "item"},
                member=member,
            )
            _approve(w.street_staff(tag), application)
            _approve(w.users["district"], application)
            wishes[tag] = MicroWish.objects.get(application=application)
    return wishes


# outdoor_care, caravan ----------------------------------------------------------------------------

STATION = {"address": "嘉定区博乐路1号", "opening_hours": "每天 7:00—21:00", "contact_phone": "021-59991234"}


def make_stations(w):
    from projects.outdoor_care.services import care_station_create

    return {
        tag: care_station_create(
            user=w.street_staff(tag),
            name=f"矩阵爱心接力站{tag}",
            street=w.street(tag),
            services=("water", "rest"),
            **STATION,
        )
        for tag in ("own", "other")
    }


def add_station(w, tag):
    return {
        "name": f"矩阵新接力站{tag}",
        "street": w.street(tag).pk,
        "services": ["water", "toilet"],
        "latitude": "",
        "longitude": "",
        "is_active": "on",
        **STATION,
    }


def make_visits(w):
    from projects.caravan.models import CaravanVisit

    visits = {}
    with at("2019-06-01 09:00 +0800"):
        for tag in ("own", "other"):
            application = _submit(
                user=w.unit_staff(tag),
                rule_id="caravan_visit",
                policy_year=2019,
                organisation=w.unit(tag),
                facts={"host_kind": "unit", "host_in_district": True},
            )
            _approve(w.users["district"], application)
            visits[tag] = CaravanVisit.objects.get(application=application)
    return visits


def add_visit(w, tag):
    return {
        "host": w.unit(tag).pk,
        "host_kind": "unit",
        "visit_date": "2031-06-15",
        "start_time": "11:00:00",
        "end_time": "",
        "location": "矩阵广场",
        "services": ["legal", "tent"],
        "expected_attendance": "150",
        "notes": "",
    }


# third-party models -------------------------------------------------------------------------------


def make_group(w):
    return {"global": Group.objects.create(name="矩阵测试组")}


def make_interval(w):
    from django_celery_beat.models import IntervalSchedule

    return {"global": IntervalSchedule.objects.create(every=10, period="minutes")}


def make_crontab(w):
    from django_celery_beat.models import CrontabSchedule

    return {"global": CrontabSchedule.objects.create(minute="5", hour="3")}


def make_solar(w):
    from django_celery_beat.models import SolarSchedule

    return {
        "global": SolarSchedule.objects.create(event="sunrise", latitude=Decimal("31.38"), longitude=Decimal("121.25"))
    }


def make_clocked(w):
    from django_celery_beat.models import ClockedSchedule

    return {"global": ClockedSchedule.objects.create(clocked_time=datetime(2031, 1, 1, 8, tzinfo=SHANGHAI))}


def make_findings(w):
    from outreach.models import Finding

    def finding(member):
        return Finding.objects.create(
            member=member,
            organisation_id=member.organisation_id,
            street_id=member.street_id,
            project="skill_awards",
            rule_id="patent_award",
            policy_year=2021,
            state="eligible",
        )

    return {"own": finding(w.member), "other": finding(w.portal_member("other"))}


def make_periodic_task(w):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    w.ctx["interval"] = interval = IntervalSchedule.objects.create(every=10, period="minutes")
    return {"global": PeriodicTask.objects.create(name="矩阵任务", task="celery.backend_cleanup", interval=interval)}


def add_periodic_task(w, tag):
    return {
        "name": "矩阵新任务",
        "regtask": "celery.backend_cleanup",
        "task": "",
        "interval": w.ctx["interval"].pk,
        "enabled": "on",
        "args": "[]",
        "kwargs": "{}",
    }


def make_access_attempt(w):
    from axes.models import AccessAttempt

    return {
        "global": AccessAttempt.objects.create(
            username="someone",
            ip_address="10.0.0.1",
            user_agent="x",
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/",
            failures_since_start=1,
        )
    }


def make_access_log(w):
    from axes.models import AccessLog

    return {
        "global": AccessLog.objects.create(
            username="someone", ip_address="10.0.0.1", user_agent="x", http_accept="*/*", path_info="/"
        )
    }


def make_access_failure(w):
    from axes.models import AccessFailureLog

    return {
        "global": AccessFailureLog.objects.create(
            username="someone",
            ip_address="10.0.0.1",
            user_agent="x",
            http_accept="*/*",
            path_info="/",
            locked_out=False,
        )
    }


def _set(**values):
    return lambda w: values


def _to_far_unit(name):
    return lambda w: {name: w.tree["far_unit"].pk}


APPLICATION_TABLES = (
    "projects.application",
    "projects.applicationevent",
    "projects.quotaclaim",
    "payouts.payoutbatch",
    "payouts.payment",
    "payouts.paymentfile",
)

MAKERS: dict[str, Maker] = {
    "members.organisation": Maker(
        make_organisations,
        _set(name="矩阵改名工会"),
        add_organisation,
        move=lambda w: {"parent": w.tree["other_street"].pk},
    ),
    "members.member": Maker(
        make_members,
        _set(name="矩阵改名"),
        add_member,
        watch=("members.duesrecord",),
        move=lambda w: {"organisation": w.tree["far_unit"].pk},
        refer=lambda w: {"hardship_certified_by": w.tree["other_street"].pk, "hardship_certified_on": "2021-01-05"},
        inline=(
            "members.duesrecord",
            lambda body: {
                "dues-TOTAL_FORMS": str(int(body.get("dues-TOTAL_FORMS", 0)) + 1),
                f"dues-{body.get('dues-TOTAL_FORMS', 0)}-year": "2025",
                f"dues-{body.get('dues-TOTAL_FORMS', 0)}-amount": "120.00",
                f"dues-{body.get('dues-TOTAL_FORMS', 0)}-paid_on": "2025-01-05",
                f"dues-{body.get('dues-TOTAL_FORMS', 0)}-paid_in_one_go": "on",
            },
        ),
    ),
    "members.duesrecord": Maker(
        make_dues, _set(amount="130.00"), add_dues, move=lambda w: {"member": w.portal_member("other").pk}
    ),
    "members.user": Maker(
        make_accounts,
        _set(first_name="矩阵改名"),
        add_account,
        move=lambda w: {"organisation": w.tree["far_unit"].pk},
        watch=("auth.group",),
    ),
    "subsidies.referencevalue": Maker(make_reference_value, _set(source="矩阵改来源"), add_reference_value),
    "subsidies.policyoverride": Maker(make_policy_override, None),
    "payouts.payoutbatch": Maker(make_payout_batch, None, watch=APPLICATION_TABLES),
    "projects.application": Maker(make_applications, None, watch=APPLICATION_TABLES),
    "projects.offering": Maker(
        make_offerings,
        _set(title="矩阵改名"),
        add_offering,
        watch=("projects.quotapool",),
        move=lambda w: {"organiser": w.tree["other_street"].pk},
    ),
    "projects.quotapool": Maker(make_quota_pool, _set(label="矩阵改名"), add_quota_pool),
    "worker_school.sitecheck": Maker(
        make_site_checks,
        _set(note="矩阵备注"),
        add_site_check,
        move=lambda w: {"street_union": w.tree["other_street"].pk},
    ),
    "worker_school.workerschool": Maker(
        make_worker_schools, _set(name="矩阵改名学堂"), move=lambda w: {"street_union": w.tree["other_street"].pk}
    ),
    "legal.legalaidcentre": Maker(make_centre, _set(phone="021-59990099"), add_centre),
    "legal.lawyer": Maker(make_lawyer, _set(phone="021-59990098"), add_lawyer),
    "legal.legalaidcase": Maker(make_legal_cases, edit_legal_case),
    "legal.legalcheckupallocation": Maker(
        make_allocations, _set(places="3"), add_allocation, move=lambda w: {"street": w.tree["other_street"].pk}
    ),
    "legal.legalcheckuprecord": Maker(make_checkup_records, _set(findings="矩阵发现")),
    "flexible_workers.realnameregistration": Maker(
        make_registrations, None, add_registration, watch=APPLICATION_TABLES
    ),
    "flexible_workers.servicedelivery": Maker(
        make_deliveries, _set(note="矩阵备注"), add_delivery, move=lambda w: {"application": w.ctx["care_other"].pk}
    ),
    "sanitation.sanitationroster": Maker(make_rosters, None, watch=APPLICATION_TABLES + ("sanitation.rosterentry",)),
    "counselling.counsellingrecord": Maker(make_counselling_records, _set(notes="矩阵记录"), body_from="counsellor"),
    "counselling.lectureschedule": Maker(
        make_lectures, _set(topic="矩阵讲题"), add_lecture, move=lambda w: {"application": w.ctx["lecture_other"].pk}
    ),
    "health_points.healthservicepoint": Maker(
        make_points, _set(manager="矩阵站长"), add_point, move=lambda w: {"street": w.tree["other_street"].pk}
    ),
    "health_points.serviceevent": Maker(
        make_events,
        _set(topic="矩阵话题"),
        add_event,
        move=lambda w: {"point": w.ctx["point_other"].pk, "start_time": "15:00:00", "end_time": "16:00:00"},
    ),
    "reading_rooms.readingroom": Maker(make_reading_rooms, _set(books="2400"), move=_to_far_unit("unit")),
    "flower_expo.expotrip": Maker(make_trips, _set(hardship_family_members="3"), move=_to_far_unit("organisation")),
    "member_card.unitcoverageclass": Maker(
        make_coverage_classes, _set(plan_class="B"), add_coverage_class, move=_to_far_unit("unit")
    ),
    "womens_care.mommyroom": Maker(make_mommy_rooms, _set(name="矩阵妈咪小屋"), move=_to_far_unit("unit")),
    "womens_care.parentchildstudio": Maker(make_studios, _set(name="矩阵亲子工作室"), move=_to_far_unit("unit")),
    "micro_wishes.microwish": Maker(make_wishes, _set(note="矩阵备注")),
    "outdoor_care.carestation": Maker(
        make_stations,
        _set(contact_phone="021-59990077"),
        add_station,
        move=lambda w: {"street": w.tree["other_street"].pk},
    ),
    "caravan.caravanvisit": Maker(
        make_visits, _set(visit_date="2031-06-15", location="矩阵广场"), add_visit, move=_to_far_unit("host")
    ),
    "auth.group": Maker(make_group, _set(name="矩阵测试组改名"), lambda w, tag: {"name": "矩阵新组"}),
    "django_celery_beat.intervalschedule": Maker(
        make_interval, _set(every="11"), lambda w, tag: {"every": "12", "period": "minutes"}
    ),
    "django_celery_beat.crontabschedule": Maker(
        make_crontab, _set(minute="6"), lambda w, tag: {"minute": "7", "hour": "4"}
    ),
    "django_celery_beat.solarschedule": Maker(
        make_solar, _set(latitude="31.40"), lambda w, tag: {"event": "sunset", "latitude": "31.1", "longitude": "121.1"}
    ),
    "django_celery_beat.clockedschedule": Maker(
        make_clocked,
        _set(clocked_time_0="2031-01-02"),
        lambda w, tag: {"clocked_time_0": "2031-02-02", "clocked_time_1": "08:00:00"},
    ),
    "django_celery_beat.periodictask": Maker(make_periodic_task, _set(description="矩阵说明"), add_periodic_task),
    "outreach.finding": Maker(make_findings, None, watch=("outreach.scanrun",)),
    "axes.accessattempt": Maker(make_access_attempt, None),
    "axes.accesslog": Maker(make_access_log, None),
    "axes.accessfailurelog": Maker(make_access_failure, None),
}


# --- What a browser sends ---------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The successful controls of one <form> (by id), as a browser would submit them."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.depth = form_id, False, 0
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if a.get("id") == self.form_id:
                self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value") or "")
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).lstrip("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_body(html: str, form_id: str) -> dict[str, str | list[str]]:
    parser = _FormParser(form_id)
    parser.feed(html)
    body = {k: (v[0] if len(v) == 1 else v) for k, v in parser.data.items()}
    body.pop("csrfmiddlewaretoken", None)
    return body


# --- Snapshots ------------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def watched_tables(labels) -> list[tuple[type[models.Model], bool]]:
    """(table, is_history) behind the labels: the concrete tables, their many-to-many rows (a user's
    groups, a group's permissions) and their change history — a save that changes nothing still
    writes a history row."""
    tables = []
    for label in labels:
        concrete = _model(label)._meta.concrete_model
        tables.append((concrete, False))
        tables += [(m2m.remote_field.through, False) for m2m in concrete._meta.many_to_many]
        history = getattr(concrete, "history", None)
        if history is not None and getattr(history, "model", concrete) is not concrete:
            tables.append((history.model, True))
    return list(dict.fromkeys(tables))


def snapshot(tables) -> dict[str, dict]:
    """Every row of every watched table by primary key (raw rows: nothing decoded), and for a history
    table (append-only) its size and newest id, to compare before and after a POST."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table, is_history in tables:
            name, pk = connection.ops.quote_name(table._meta.db_table), table._meta.pk.column
            if is_history:
                cursor.execute(f"SELECT COUNT(*), MAX({connection.ops.quote_name(pk)}) FROM {name}")
                out[table._meta.label] = {"rows": cursor.fetchone()}
                continue
            cursor.execute(f"SELECT * FROM {name}")
            columns = [c[0] for c in cursor.description]
            at = columns.index(pk)
            out[table._meta.label] = {r[at]: dict(zip(columns, r, strict=True)) for r in cursor.fetchall()}
    return out


def row(obj) -> tuple | None:
    """One object's stored row, raw."""
    from django.db import connection

    opts = obj._meta.concrete_model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {connection.ops.quote_name(opts.db_table)} WHERE "
            f"{connection.ops.quote_name(opts.pk.column)} = %s",
            [obj.pk],
        )
        found = cursor.fetchone()
        return None if found is None else dict(zip([c[0] for c in cursor.description], found, strict=True))


# --- The member portal ----------------------------------------------------------------------------


@dataclass
class Portal:
    """One member's own things, each with its owner: what the portal pages take an id or a reference of."""

    application: object  # the member's promotion award, at grassroots review, with one attachment
    attachment: object
    notification: object
    legal_aid: object  # the member's legal-aid application, its case assigned nowhere yet
    wish: object  # the member's micro-wish, open and not yet described
    care: object  # a flexible worker's registration (the flexible worker is its owner)
    care_owner: object
    other_member: object  # a member of the same unit: "another member"


def build_portal(w: World, other_member) -> Portal:
    from projects.models import Notification
    from projects.services.submission import attachment_add

    application = submit_promotion(w.member)
    attachment = attachment_add(
        user=w.member.user, application=application, upload=_upload("certificate", "证书.pdf", PDF)
    )
    notification = Notification.objects.create(
        recipient=w.member.user, application=application, title="矩阵：只给这位会员的消息"
    )
    with at("2019-06-03 09:00 +0800"):
        legal_aid = _submit(
            user=w.member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=w.member
        )
    wish = make_wishes(w)["own"]
    care = _care_application(w, "own")
    return Portal(
        application=application,
        attachment=attachment,
        notification=notification,
        legal_aid=legal_aid,
        wish=wish,
        care=care,
        care_owner=care.applicant_member,
        other_member=other_member,
    )
