"""Member portal and public pages. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from members.selectors import active_member_id
from members.sessions import SignedInMember, signed_in_member
from subsidies.rules import registry
from subsidies.rules.facts import FactsError
from subsidies.selectors import decide

from . import info, selectors, workflow
from .forms import AttachmentForm, CalculatorForm, FactsForm, TransitionForm
from .kept_pages import kept_page
from .models import Attachment, QuotaPool
from .procedures import MEMBER_LINKS, PROCEDURES, PROJECT_LINKS
from .services import queue
from .services.attachments import AttachmentUpload, masked_copy_for
from .services.errors import ApplicationError
from .services.submission import (
    PROOFS_MISSING,
    application_draft_save,
    application_resubmit,
    application_submit,
    attachment_add,
)
from .services.transitions import application_transition

ONLY_MEMBERS = _("此页面仅供会员使用：请使用会员服务卡号或手机号登录。")
DRAFT_SAVED = _("草稿 %(reference)s 已保存：还没有提交，可在“我的申请”中打开继续填写。")
SUBMITTED = _("申请 %(reference)s 已提交。")
ONLY_ORGANISATIONS = _("此项目由单位或工会组织申请。")


def member_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = selectors.portal_member(request)
        if member is None:
            raise PermissionDenied(ONLY_MEMBERS)
        return view(request, member, *args, **kwargs)

    return wrapper


def _own_application_or_404(member, reference: str):
    """The member's own application; someone else's looks exactly like a missing one."""
    application = selectors.application_of_member(member, reference)
    if application is None:
        raise Http404
    return application


def _rule_or_404(rule_id: str, year: int):
    try:
        return registry.get(rule_id, year)
    except registry.UnknownRule:
        raise Http404 from None


# --- Public pages --------------------------------------------------------------------


def project_detail(request, code: str):
    project = selectors.PROJECTS_BY_CODE.get(code)
    if project is None:
        raise Http404
    today = timezone.localdate()
    # A published year joins the page on its effective date, as it joins the entitlements.
    rules = sorted(
        (r for r in registry.for_project(code) if registry.effective_from(r.policy_year) <= today),
        key=lambda r: (-r.policy_year, r.rule_id),
    )
    offerings = selectors.open_offerings_of_project(code, timezone.now())
    policy = selectors.current_policy()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "rules": rules,
            "procedures": PROCEDURES,
            "offerings": offerings,
            "links": PROJECT_LINKS.get(code, ()),
            "policies": policy.by_year,  # called only when the cached fragments are stale
            "fragment_key": selectors.fragment_key(policy),
        },
    )


def info_index(request):
    return render(request, "projects/info_index.html", {"pages": info.PAGES})


def info_page(request, slug: str):
    page = info.PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    return render(request, "projects/info_page.html", {"page": page, "items": info.info_page_items(page)})


def calculator_index(request):
    key = selectors.fragment_key()  # the rules and titles of the published years, on this day
    return kept_page(
        request,
        f"calculator_index:{key}",
        lambda extra: render(
            request,
            "projects/calculator_index.html",
            {"rows": selectors.calculator_rows, "fragment_key": key, **extra},
        ),
    )


def calculator(request, rule_id: str, year: int):
    rule = _rule_or_404(rule_id, year)
    decision = None
    form = CalculatorForm(request.GET or None, rule=rule)
    if request.GET and form.is_valid():
        try:
            decision = decide(rule_id=rule_id, year=year, facts=form.raw_facts(), partial=True, strict=False).decision
        except FactsError as exc:
            form.add_fact_errors(exc)
    return render(
        request,
        "projects/calculator.html",
        {
            "rule": rule,
            "form": form,
            "decision": decision,
            "project": selectors.PROJECTS_BY_CODE[rule.project],
        },
    )


# --- Member portal -------------------------------------------------------------------


@member_required
def my_entitlements(request, member):
    today = timezone.localdate()
    key, scan = selectors.entitlements_key(member, today)
    # `rows` is called by the template only when its cached cards (keyed on the scan's key) are stale;
    # the whole page is kept for a repeat view while that key (and the header) stay the same.
    return kept_page(
        request,
        f"my_entitlements:{key}:{member.name}",
        lambda extra: render(
            request,
            "projects/my_entitlements.html",
            {"member": member, "rows": lambda: scan().page_rows(), "cards_key": key, "today": today, **extra},
        ),
    )


@member_required
def my_applications(request, member):
    # The queryset is read by the template only when its cached table (keyed on the fingerprint) is
    # stale; the whole page is kept for a repeat view while the fingerprint stays the same.
    applications = partial(selectors.applications_of_member, member)  # a callable: the template calls it
    # The applications' row versions, as the member's statement brought them (PostgreSQL), else their fingerprint.
    versions = getattr(member, "applications_versions_now", None)
    fingerprint = versions if versions is not None else selectors.applications_fingerprint(member)
    table_key = f"{member.pk}:{fingerprint}:{selectors.fragment_key()}"
    return kept_page(
        request,
        f"my_applications:{table_key}:{member.name}",
        lambda extra: render(
            request,
            "projects/my_applications.html",
            {"member": member, "applications": applications, "table_key": table_key, **extra},
        ),
    )


@member_required
def my_application(request, member, reference: str):
    application = _own_application_or_404(member, reference)
    return render(
        request,
        "projects/my_application.html",
        {
            "member": member,
            "application": application,
            "progress": selectors.application_progress(application),
            "places": selectors.booked_places(application),
            "detail_url": PROCEDURES[application.rule_id].detail_url,
            "actions": workflow.available_actions(request.user, application),
            "attachment_form": AttachmentForm(),
            "transition_form": TransitionForm(),
        },
    )


@member_required
def my_coverage(request, member):
    coverage = selectors.coverage_of_member(member)
    return render(request, "projects/my_coverage.html", {"member": member, "links": MEMBER_LINKS, **coverage})


@login_required
def notifications(request):
    items = list(selectors.notifications_of(request.user)[:100])
    return render(request, "projects/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    selectors.notifications_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("projects:notifications")


@require_http_methods(["GET", "POST"])
def apply(request, rule_id: str, year: int):
    if request.method == "POST" and queue.enabled() and "save_draft" not in request.POST:
        # At a first-come opening the request joins the queue on the session's word alone (no query:
        # the allocator checks the account and its session hash, the member and the facts).
        signed_in = signed_in_member(request)
        if signed_in is not None:
            rule, procedure = _applicable_rule_or_404(rule_id, year)
            if rule.applicant == "member":
                request.queue_checked = True
                queued = _queue_if_first_come(request, rule, procedure, signed_in)
                if queued is not None:
                    return queued
    return _apply(request, rule_id, year)


def _applicable_rule_or_404(rule_id: str, year: int):
    rule = _rule_or_404(rule_id, year)
    procedure = PROCEDURES.get(rule_id)
    if procedure is None or not procedure.applicable:
        raise Http404
    return rule, procedure


@login_required
def _apply(request, rule_id: str, year: int):
    rule, procedure = _applicable_rule_or_404(rule_id, year)
    if (
        request.method == "POST"
        and rule.applicant == "member"
        and "save_draft" not in request.POST
        and queue.enabled()
        and not getattr(request, "queue_checked", False)
    ):
        signed_in = _signed_in_by_records(request.user)
        queued = _queue_if_first_come(request, rule, procedure, signed_in) if signed_in else None
        if queued is not None:
            return queued
    member = selectors.portal_member(request) if rule.applicant == "member" else None
    organisation = request.user.organisation if rule.applicant == "organisation" and request.user.is_staff else None
    if member is None and organisation is None:
        raise PermissionDenied(ONLY_MEMBERS if rule.applicant == "member" else ONLY_ORGANISATIONS)
    today = timezone.localdate()
    profile = selectors.applicant_profile(member=member, organisation=organisation, today=today)
    locked = selectors.locked_facts(rule, member=member, organisation=organisation, today=today, profile=profile)
    initial = {**selectors.prefilled_dates(rule, today), **selectors.prefilled_facts(rule, profile)}
    offerings = list(selectors.open_offerings(rule_id, year, timezone.now())) if procedure.offering else None
    form = FactsForm(
        request.POST or None,
        request.FILES or None,
        rule=rule,
        locked=locked,
        initial_facts=initial,
        proofs=procedure.proofs,
        offerings=offerings,
        offering_required=procedure.offering == "required",
    )
    if request.method == "POST" and form.is_valid():
        uploads = [AttachmentUpload(kind, file) for kind, file in form.uploads()]
        try:
            application = application_submit(
                user=request.user,
                rule_id=rule_id,
                policy_year=year,
                facts=form.raw_facts(),
                member=member,
                organisation=organisation,
                uploads=uploads,
                draft="save_draft" in request.POST,
                offering=form.chosen_offering(),
                profile=profile,
            )
        except FactsError as exc:
            form.add_fact_errors(exc)
            if "save_draft" not in request.POST:
                form.add_missing_proof_errors(PROOFS_MISSING)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            if application.status == "draft":
                messages.success(request, DRAFT_SAVED % {"reference": application.reference})
            else:
                messages.success(request, SUBMITTED % {"reference": application.reference})
            if member:
                return redirect("projects:my_application", reference=application.reference)
            return redirect("projects:organisation_applications")
    if request.method == "POST":
        form.mark_refile()
    return render(
        request,
        "projects/apply.html",
        {
            "rule": rule,
            "form": form,
            "procedure": procedure,
            "project": selectors.PROJECTS_BY_CODE[rule.project],
            "openings": selectors.first_come_openings(rule_id, year, offerings or (), timezone.now()),
            "server_now": timezone.now(),
        },
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _signed_in_by_records(user) -> SignedInMember | None:
    """A session without the member kept at sign-in (older, or signed in otherwise): the same, read."""
    member_id = active_member_id(user)
    if member_id is None:
        return None  # the usual page says why
    return SignedInMember(user_id=user.pk, member_id=member_id, session_hash=user.get_session_auth_hash())


def _queue_if_first_come(request, rule, procedure, signed_in: SignedInMember):
    """At a first-come pool's opening: queue the request (Redis) and answer its place in line at
    once, before any other work — the allocator decides it in arrival order. None: book directly."""
    member_id = signed_in.member_id
    typed = {
        f.name: request.POST[f.name]
        for f in rule.schema.of_source("applicant")
        if request.POST.get(f.name) not in (None, "")
    }
    offering = None
    if procedure.offering and request.POST.get("offering", "").isdigit():
        offering = (
            selectors.open_offerings(rule.rule_id, rule.policy_year, timezone.now())
            .filter(pk=int(request.POST["offering"]))
            .first()
        )
        if offering is None:
            return None  # the form says why
        typed.update(offering.facts)
    try:
        rule.schema.parse(typed, partial=True, strict=False)
    except FactsError:
        return None  # the form shows each wrong field
    try:
        pool = queue.queue_pool_for(
            procedure=procedure,
            member_id=member_id,
            policy_year=rule.policy_year,
            facts=typed,
            offering=offering,
            now=timezone.now(),
        )
        if pool is None:
            return None
        ticket = queue.booking_enqueue(
            user_id=signed_in.user_id,
            member_id=member_id,
            session_hash=signed_in.session_hash,
            rule_id=rule.rule_id,
            policy_year=rule.policy_year,
            facts=typed,
            offering=offering,
            pool=pool,
        )
    except ApplicationError as exc:
        if _wants_json(request):
            return JsonResponse({"state": "refused", "message": exc.message})
        return None  # the form shows the refusal
    status_url = reverse("projects:queue_status", args=[pool.pk])
    if _wants_json(request):
        return JsonResponse(
            {
                "state": "queued",
                "ticket": ticket.ticket,
                "position": ticket.position,
                "message": ticket.message,
                "status_url": status_url,
            }
        )
    return render(
        request,
        "projects/queue_ticket.html",
        {
            "pool": pool,
            "rule": rule,
            "status": {"state": "queued", "message": ticket.message},
            "status_url": status_url,
        },
    )


@member_required
def queue_ticket(request, member, pool_id: int):
    """The member's place in a first-come queue, then the outcome (the page polls queue_status)."""
    pool = get_object_or_404(QuotaPool, pk=pool_id, first_come=True)
    status = queue.ticket_status(pool=pool, user=request.user)
    return render(
        request,
        "projects/queue_ticket.html",
        {"pool": pool, "status": status, "status_url": reverse("projects:queue_status", args=[pool.pk])},
    )


@member_required
def queue_status(request, member, pool_id: int):
    pool = get_object_or_404(QuotaPool, pk=pool_id, first_come=True)
    status = queue.ticket_status(pool=pool, user=request.user)
    if status.get("reference"):
        status["url"] = reverse("projects:my_application", args=[status["reference"]])
    response = JsonResponse(status)
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_http_methods(["GET", "POST"])
def my_application_edit(request, member, reference: str):
    application = _own_application_or_404(member, reference)
    rule = _rule_or_404(application.rule_id, application.policy_year)
    procedure = PROCEDURES[application.rule_id]
    locked = selectors.locked_facts(rule, member=member, organisation=None, today=timezone.localdate())
    form = FactsForm(
        request.POST or None,
        request.FILES or None,
        rule=rule,
        locked=locked,
        initial_facts=application.facts,
        proofs=procedure.proofs,
        attached=selectors.attached_names(application),
    )
    saving_draft = "save_draft" in request.POST and application.status == "draft"
    if request.method == "POST" and form.is_valid():
        uploads = [AttachmentUpload(kind, file) for kind, file in form.uploads()]
        try:
            if saving_draft:
                application_draft_save(
                    user=request.user, application=application, facts=form.raw_facts(), uploads=uploads
                )
            else:
                application_resubmit(
                    user=request.user, application=application, facts=form.raw_facts(), uploads=uploads
                )
        except FactsError as exc:
            form.add_fact_errors(exc)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            if saving_draft:
                messages.success(request, DRAFT_SAVED % {"reference": application.reference})
            else:
                messages.success(request, SUBMITTED % {"reference": application.reference})
            return redirect("projects:my_application", reference=application.reference)
    if request.method == "POST":
        form.mark_refile()
    return render(
        request,
        "projects/apply.html",
        {
            "rule": rule,
            "form": form,
            "procedure": procedure,
            "application": application,
            "project": selectors.PROJECTS_BY_CODE[rule.project],
        },
    )


@member_required
@require_POST
def my_application_action(request, member, reference: str, action: str):
    application = _own_application_or_404(member, reference)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        application_transition(
            user=request.user, application=application, action=action, comment=form.cleaned_data.get("comment", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "操作已完成。")
    return redirect("projects:my_application", reference=reference)


@member_required
@require_POST
def my_application_attach(request, member, reference: str):
    application = _own_application_or_404(member, reference)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择材料类型并选择文件。")
    else:
        try:
            attachment_add(
                user=request.user,
                application=application,
                upload=AttachmentUpload(form.cleaned_data["kind"], form.cleaned_data["file"]),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "材料已上传。")
    return redirect("projects:my_application", reference=reference)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    if not selectors.may_see_application(request.user, attachment.application):
        raise Http404
    try:
        masked = masked_copy_for(user=request.user, attachment=attachment)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from None
    if masked is not None:
        response = HttpResponse(masked.content, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=masked.filename)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=attachment.original_name,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def organisation_applications(request):
    if not request.user.is_staff:
        raise PermissionDenied
    applications = selectors.applications_of_organisation(request.user)
    return render(request, "projects/organisation_applications.html", {"applications": applications})
