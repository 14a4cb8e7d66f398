"""Staff review in the admin: scoped queues, review actions, the detail a reviewer needs.

Every action calls projects.services, so the admin behaves exactly
like the portal, the API and the tasks. Status is never a form field.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, UserFormMixin, is_district
from jiading_union.kept_lists import kept_changelist, kept_instance
from members.models import Member, Organisation, OrganisationLevel, StaffRole
from members.selectors import member_search, organisations_visible_to, scope_for
from subsidies.rules import registry
from subsidies.rules.data import available_years
from subsidies.rules.facts import FactsError

from . import labels, workflow
from .catalogue import SERVICE_PROJECTS
from .forms import ReviewerFactsForm, TransitionForm, add_fact_errors
from .models import UNPAID_STATUSES, Application, ApplicationStatus, Attachment, Offering, QuotaPool
from .selectors import without_confidential
from .services.errors import ApplicationError
from .services.offerings import (
    OFFERING_EDITABLE,
    check_organiser,
    may_change_offering,
    offering_create,
    offering_update,
)
from .services.quotas import check_capacity, check_capacity_reason, quota_capacity_set
from .services.recalculation import application_recalculate, application_recalculation_preview
from .services.review_facts import application_supplied_facts_preview, application_supply_facts
from .services.transitions import application_transition, facts_due, reviewer_facts

S = ApplicationStatus
EMPTY = "—"
STATUS_LABELS = dict(ApplicationStatus.choices)
# The row checkbox's label is Django's own message, translated by Django's catalogue (not ours).
DJANGO_ROW_LABEL = "Select this object for an action - {}"
ROLE_QUEUE = {
    StaffRole.GRASSROOTS: (S.GRASSROOTS_REVIEW,),
    StaffRole.STREET: (S.STREET_REVIEW,),
    StaffRole.DISTRICT: (S.DISTRICT_INTAKE, S.DISTRICT_REVIEW, S.CITY_REVIEW),
}


def review_overdue_days() -> int:
    return getattr(settings, "REVIEW_OVERDUE_DAYS", 7)


class QueueFilter(admin.SimpleListFilter):
    title = _("待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (("mine", _("待我审核")), ("review", _("审核中（全部层级）")))

    def queryset(self, request, queryset):
        if self.value() == "mine":
            role = StaffRole.DISTRICT if request.user.is_superuser else request.user.role
            return queryset.filter(status__in=ROLE_QUEUE.get(role, ()))
        if self.value() == "review":
            return queryset.filter(status__in=workflow.REVIEW_STATUSES)
        return queryset


class ProjectFilter(admin.SimpleListFilter):
    title = _("服务项目")
    parameter_name = "project"

    def lookups(self, request, model_admin):
        return [(p.code, p.title) for p in SERVICE_PROJECTS]

    def queryset(self, request, queryset):
        return queryset.filter(project=self.value()) if self.value() else queryset


class StatusFilter(admin.SimpleListFilter):
    """The statuses an application can be in now: "batched" is history (a batch holds its
    applications by its payments since payouts migration 0006), so it is no choice. The parameter
    is the field filter's own, so links written for it (reminders, the dashboard) still filter."""

    title = _("状态")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in S.choices if value != S.BATCHED]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class PolicyYearFilter(admin.SimpleListFilter):
    """Static choices: a field filter would run SELECT DISTINCT over every application."""

    title = _("政策年度")
    parameter_name = "policy_year"

    def lookups(self, request, model_admin):
        return [(str(y), str(y)) for y in reversed(available_years())]

    def queryset(self, request, queryset):
        return queryset.filter(policy_year=int(self.value())) if self.value() else queryset


class StreetFilter(admin.SimpleListFilter):
    title = _("街镇")
    parameter_name = "street"

    def lookups(self, request, model_admin):
        if scope_for(request.user).level not in ("street", "district"):
            return []  # a grassroots union's scope holds no street: no choice, no query
        streets = organisations_visible_to(request.user).filter(level=OrganisationLevel.STREET).order_by("code")
        return [(s.pk, s.name) for s in streets]

    def queryset(self, request, queryset):
        return queryset.filter(street_id=self.value()) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (
            ("review", _("审核等待超过%(days)d天") % {"days": review_overdue_days()}),
            ("payout", _("已过给付期限未给付")),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "review":
            return queryset.filter(
                status__in=workflow.REVIEW_STATUSES, status_changed_at__lt=now - timedelta(days=review_overdue_days())
            )
        if self.value() == "payout":
            return queryset.filter(status__in=UNPAID_STATUSES, payout_due__lt=timezone.localdate())
        return queryset


class ActionSelect(forms.Select):
    """The action menu written directly (the markup of Django's select widget): the widget's templates,
    an option template per action, cost more than the rest of the actions bar."""

    def render(self, name, value, attrs=None, renderer=None):
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if str(code) == str(value or "") else ""}>{escape(label)}</option>'
            for code, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}" required>{options}</select>')


class SelectAcrossInput(forms.HiddenInput):
    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return mark_safe(f'<input type="hidden" name="{escape(name)}" value="{escape(value)}" class="select-across">')


class QueueActionForm(helpers.ActionForm):
    action = forms.ChoiceField(label=helpers.ActionForm.base_fields["action"].label, widget=ActionSelect)
    select_across = forms.BooleanField(label="", required=False, initial=0, widget=SelectAcrossInput)


@admin.register(Application)
class ApplicationAdmin(ScopedAdmin):
    def history_value_display(self, field, value):
        return labels.history_value(field, value)  # rule titles, review chains, facts and decisions in words

    # "导出 Excel" on the list: its scope, filters and search (jiading_union/exports.py).
    export_columns = (
        ("申请编号", "reference"),
        ("服务项目", "project", lambda: PROJECT_TITLES),  # defined below
        ("政策年度", "policy_year"),
        ("申请人", "applicant_member__name"),
        ("会员服务卡号", "applicant_member__card_number"),
        ("身份证号码", "applicant_member__id_number"),
        ("申请单位", "applicant_organisation"),
        ("所属工会", "organisation"),
        ("所属街镇", "street"),
        ("状态", "status"),
        ("金额（元）", "amount"),
        ("提交时间", "submitted_at"),
        ("给付期限", "payout_due"),
    )
    # The columns a reviewer decides on, in the order they read them (the submission time is the
    # default order and the days waiting); on a phone each row is a card (static/admin_theme/staff.css).
    list_display = (
        "reference",
        "benefit",
        "applicant",
        "unit",
        "amount_yuan",
        "waiting",
        "proofs",
        "status_badge",
    )
    list_filter = (QueueFilter, ProjectFilter, PolicyYearFilter, StatusFilter, StreetFilter, OverdueFilter)
    search_fields = ("reference",)  # see get_search_results: one indexed lookup chosen by the term's shape
    search_help_text = _("按申请编号、会员服务卡号、姓名（开头）、单位名称（开头）或身份证后四位查找")
    list_select_related = ("applicant_member", "applicant_organisation", "organisation")
    # 25 rows a page: a reviewer decides on a screenful at a time (and on a phone each row is a card).
    list_per_page = 25
    show_full_result_count = False
    # Facet counts ("显示计数") would run a COUNT per filter choice over the whole scope: never offered.
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-submitted_at", "-id")
    actions = ("approve_selected", "return_selected", "reject_selected")
    action_form = QueueActionForm
    change_form_template = "admin/projects/application/change_form.html"
    # The rows written by projects.templatetags.review_queue (the export's and imports' buttons on top:
    # admin/spreadsheets/change_list.html extends this one).
    change_list_template = "admin/projects/application/change_list.html"
    readonly_fields = [f.name for f in Application._meta.fields]
    history_version_exclude = ("dedup_key", "dedup_holding")  # the once-only key is the code's, not a reviewer's

    # --- list -----------------------------------------------------------------

    @admin.display(description=_("申请人"))
    def applicant(self, obj):
        if obj.applicant_member_id:
            return f"{obj.applicant_member.name}（{obj.applicant_member.card_number}）"
        return obj.applicant_organisation.name

    @admin.display(description=_("服务项目"), ordering="project")
    def project_title(self, obj):
        return PROJECT_TITLES.get(obj.project, obj.project)

    @admin.display(description=_("申请事项"), ordering="rule_id")
    def benefit(self, obj):
        return labels.rule_title(obj.rule_id, obj.policy_year)  # the registry, in memory: no query

    @admin.display(description=_("所属单位"), ordering="organisation")
    def unit(self, obj):
        return obj.organisation.name if obj.organisation_id else "—"

    @admin.display(description=_("金额"), ordering="amount")
    def amount_yuan(self, obj):
        return labels.yuan(obj.amount)

    @admin.display(description=_("材料"), ordering="proofs_count")
    def proofs(self, obj):
        n = getattr(obj, "proofs_count", None)
        return _("%(n)d 份材料") % {"n": n} if n else _("无材料")

    def get_changelist(self, request, **kwargs):
        return ReviewQueue

    def changelist_view(self, request, extra_context=None):
        # "待我审核" or "申请审核", not Django's "选择 申请 来修改".
        title = _("待我审核") if request.GET.get("queue") == "mine" else _("申请审核")
        # No module sidebar on the queue: building it asks every registered admin for its permissions
        # on each request (jiading_union.admin builds it only when a page shows it). The breadcrumbs
        # lead back to the index, which lists the same modules.
        context = {"title": title, "is_nav_sidebar_enabled": False, **(extra_context or {})}
        # Kept whole while nothing it shows changes (jiading_union.kept_lists): clerks reload it all day.
        return kept_changelist(self, request, context, super().changelist_view)

    def get_changelist_instance(self, request):
        return kept_instance(request) or super().get_changelist_instance(request)

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj):
        # The label from the enum, not get_status_display() (which hashes the whole choices list per row).
        return format_html('<span class="status status-{}">{}</span>', obj.status, STATUS_LABELS.get(obj.status, "—"))

    def action_checkbox(self, obj):
        """The row's checkbox as Django renders it, without a widget template rendered per row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext(DJANGO_ROW_LABEL), str(obj)),
        )

    @admin.display(description=_("等待天数"), ordering="status_changed_at")
    def waiting(self, obj):
        if obj.status not in workflow.REVIEW_STATUSES:
            return "—"
        return labels.days_waiting(obj.status_changed_at)

    def queue_cells(self) -> dict:
        """The list's cells as (escaped) HTML, one function per column, with every word translated
        and every constant formatted once per page rather than once per row: what the display
        methods above return, for projects.templatetags.review_queue."""
        now = timezone.now()
        statuses = {code: escape(str(label)) for code, label in STATUS_LABELS.items()}
        no_proofs, some_proofs, days = escape(gettext("无材料")), gettext("%(n)d 份材料"), gettext("%(n)d 天")
        row_label = gettext(DJANGO_ROW_LABEL)
        titles: dict[tuple[str, int], str] = {}
        reviewing = workflow.REVIEW_STATUSES

        def benefit(obj):
            key = (obj.rule_id, obj.policy_year)
            if key not in titles:
                titles[key] = escape(labels.rule_title(*key))
            return titles[key]

        def applicant(obj):  # the names from ReviewQueue.ROW_NAMES, as self.applicant writes them
            if obj.applicant_member_id:
                return escape(f"{obj.row_applicant_name}（{obj.row_applicant_card}）")
            return escape(obj.row_applicant_unit or EMPTY)

        def unit(obj):
            return escape(obj.row_unit_name) if obj.organisation_id else EMPTY

        def amount_yuan(obj):
            return escape(labels.yuan(obj.amount))

        def waiting(obj):
            if obj.status not in reviewing or obj.status_changed_at is None:
                return EMPTY
            return days % {"n": max((now - obj.status_changed_at).days, 0)}

        def proofs(obj):
            n = getattr(obj, "proofs_count", None)
            return some_proofs % {"n": n} if n else no_proofs

        def status_badge(obj):
            return f'<span class="status status-{escape(obj.status)}">{statuses.get(obj.status, EMPTY)}</span>'

        def action_checkbox(obj):
            label = escape(row_label.format(obj))
            return (
                f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{obj.pk}" class="action-select"'
                f' aria-label="{label}">'
            )

        def reference(obj):
            return escape(str(obj))

        return {
            "action_checkbox": action_checkbox,
            "reference": reference,
            "benefit": benefit,
            "applicant": applicant,
            "unit": unit,
            "amount_yuan": amount_yuan,
            "waiting": waiting,
            "proofs": proofs,
            "status_badge": status_badge,
        }

    def scope_queryset(self, request, queryset):
        # Counselling appointments and other confidential applications: need-to-know only.
        return without_confidential(request.user, super().scope_queryset(request, queryset))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(application_search(term)), False

    def has_add_permission(self, request):
        return False  # applications are made by applicants, through the portal or the API

    def has_delete_permission(self, request, obj=None):
        return False  # nobody deletes an application, not even the superuser: it is withdrawn or rejected

    def has_change_permission(self, request, obj=None):
        # Reviewing ("change") is the actions and the transition URL. The page of one application is
        # read-only: a POST to it would re-save the whole row around the services.
        return obj is None and super().has_change_permission(request, obj)

    # --- actions --------------------------------------------------------------

    def _run(self, request, queryset, action: str, comment: str = "") -> None:
        done, failed = 0, []
        for application in queryset:
            try:
                application_transition(user=request.user, application=application, action=action, comment=comment)
                done += 1
            except ApplicationError as exc:
                failed.append(f"{application.reference}：{exc.message}")
        label = workflow.TRANSITIONS[action].label
        if done:
            self.message_user(
                request, _("%(label)s：已处理 %(n)d 份。") % {"label": label, "n": done}, messages.SUCCESS
            )
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    def _with_reason(self, request, queryset, action: str):
        transition = workflow.TRANSITIONS[action]
        if "apply" in request.POST:
            form = TransitionForm(request.POST)
            if form.is_valid() and form.cleaned_data["comment"].strip():
                self._run(request, queryset, action, form.cleaned_data["comment"])
                return None
            messages.error(request, workflow.REASON_REQUIRED.format(action=transition.label))
        return render(
            request,
            "admin/projects/application/transition_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": transition.label,
                "transition": transition,
                "applications": queryset,
                "form": TransitionForm(),
                "action_name": f"{action}_selected",
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("审核通过所选申请"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._run(request, queryset, "approve")

    @admin.action(description=_("退回补正所选申请（需填写理由）"), permissions=["change"])
    def return_selected(self, request, queryset):
        return self._with_reason(request, queryset, "return")

    @admin.action(description=_("不予通过所选申请（需填写理由）"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._with_reason(request, queryset, "reject")

    # --- detail ---------------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "<path:object_id>/transition/<slug:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="projects_application_transition",
            ),
            path(
                "<path:object_id>/recalculate/",
                self.admin_site.admin_view(self.recalculate_view),
                name="projects_application_recalculate",
            ),
            path(
                "<path:object_id>/review-facts/",
                self.admin_site.admin_view(self.review_facts_view),
                name="projects_application_review_facts",
            ),
        ]
        return custom + urls

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra = {
            "application": application,
            "actions_available": [
                t for t in workflow.available_actions(request.user, application) if t.actor != workflow.APPLICANT
            ],
            "held_by": workflow.is_held(application),
            "events": application.events.select_related("actor").all(),
            "attachments": application.attachments.all(),
            "transition_form": TransitionForm(),
            "project_title": PROJECT_TITLES.get(application.project, application.project),
            "fact_rows": _fact_rows(application),
            "chain_steps": _chain_steps(application),
            "benefit": labels.rule_title(application.rule_id, application.policy_year),
            "reasons": _reasons(application.decision or {}),
            "facts_due": facts_due(application) if workflow.may_review(request.user, application) else [],
            # A review, not Django's "修改 申请": the benefit and the applicant's reference.
            "title": _("审核申请 %(ref)s · %(benefit)s")
            % {
                "ref": application.reference,
                "benefit": labels.rule_title(application.rule_id, application.policy_year),
            },
            "subtitle": None,
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def transition_view(self, request, object_id, action):
        application = self.get_object(request, object_id)
        if request.method != "POST":
            raise PermissionDenied
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            application_transition(
                user=request.user, application=application, action=action, comment=form.cleaned_data.get("comment", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(ref)s：%(label)s") % {"ref": application.reference, "label": workflow.TRANSITIONS[action].label},
            )
        return HttpResponseRedirect(reverse("admin:projects_application_change", args=[application.pk]))

    def review_facts_view(self, request, object_id):
        """The current level's reviewer facts: fill in, see the recomputed decision, confirm."""
        application = self.get_object(request, object_id)
        if not workflow.may_review(request.user, application):
            raise PermissionDenied
        level = workflow.current_level(application)
        form = ReviewerFactsForm(
            request.POST or None, facts=reviewer_facts(application, level.value), initial_facts=application.facts
        )
        preview = None
        if request.method == "POST" and form.is_valid():
            try:
                if "confirm" in request.POST:
                    application_supply_facts(
                        user=request.user,
                        application=application,
                        facts=form.raw_facts(),
                        comment=form.cleaned_data.get("comment", ""),
                    )
                    messages.success(request, _("审核事实已填写，判定已按其重新计算并记入进度。"))
                    return HttpResponseRedirect(reverse("admin:projects_application_change", args=[application.pk]))
                preview = application_supplied_facts_preview(
                    user=request.user, application=application, facts=form.raw_facts()
                )
            except FactsError as exc:
                add_fact_errors(form, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
        return TemplateResponse(
            request,
            "admin/projects/application/review_facts.html",
            {
                **self.admin_site.each_context(request),
                "title": _("填写审核事实"),
                "application": application,
                "form": form,
                "preview": preview,
                "opts": self.model._meta,
            },
        )

    def recalculate_view(self, request, object_id):
        application = self.get_object(request, object_id)
        if request.method == "POST":
            try:
                application_recalculate(
                    user=request.user, application=application, comment=request.POST.get("comment", "")
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已按当前政策表重新计算，差异已记入进度。"))
            return HttpResponseRedirect(reverse("admin:projects_application_change", args=[application.pk]))
        preview = application_recalculation_preview(application=application)
        return TemplateResponse(
            request,
            "admin/projects/application/recalculate.html",
            {
                **self.admin_site.each_context(request),
                "title": _("重新计算"),
                "application": application,
                "preview": preview,
                "opts": self.model._meta,
            },
        )


PROJECT_TITLES = {p.code: p.title for p in SERVICE_PROJECTS}


class ReviewQueue(ChangeList):
    """The review list: the proofs column is one correlated COUNT in the page's own query (never a
    query per row), added to the list's rows only, not to the detail's or the actions' querysets."""

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request, *args, **kwargs)
        # Each row's link carries the list's filters back (_changelist_filters), exactly as the admin's
        # add_preserved_filters writes them, but without resolving every row's URL again (a URL
        # resolve per row was the list's largest cost): the query string is built once here, the
        # change URL reversed once, and the row tag's own add_preserved_filters has nothing to add.
        filters = urlencode(dict(parse_qsl(self.preserved_filters))) if self.preserved_filters else ""
        self.row_filters, self.preserved_filters = filters, ""
        self.change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.PK,),
            current_app=self.model_admin.admin_site.name,
        )

    @property
    def filters_key(self) -> str:
        """What the filter column shows depends on: the filters chosen (the whole query string, as
        its links carry it), the user's scope (the streets offered) and the language."""
        scope = scope_for(self.request.user)
        params = urlencode(sorted(self.request.GET.items()))
        return f"{get_language()}:{scope.level}:{scope.organisation_id}:{params}"

    PK = "0pk0"

    def url_for_result(self, result):
        url = self.change_url.replace(self.PK, str(quote(getattr(result, self.pk_attname))), 1)
        return f"{url}?{self.row_filters}" if self.row_filters else url

    # The columns the rows show (and what __str__, the link and the checkbox read), the names of the
    # applicant and the unit as values of the page's query (no model instance per joined row): the
    # frozen facts, decision and review chain (JSON, often kilobytes each) and the members' other
    # columns stay in the database. Only the page's rows: the actions and the export get the full
    # queryset.
    ROW_COLUMNS = (
        "id",
        "reference",
        "rule_id",
        "policy_year",
        "status",
        "amount",
        "submitted_at",
        "status_changed_at",
        "applicant_member",
        "organisation",
    )
    ROW_NAMES = {
        "row_applicant_name": F("applicant_member__name"),
        "row_applicant_card": F("applicant_member__card_number"),
        "row_applicant_unit": F("applicant_organisation__name"),
        "row_unit_name": F("organisation__name"),
    }

    def get_results(self, request):
        super().get_results(request)  # the count, on the list's own query (no joins for the names)
        rows = self.queryset.select_related(None).only(*self.ROW_COLUMNS).annotate(**self.ROW_NAMES)
        query = self.result_list.query
        self.result_list = rows[query.low_mark : query.high_mark] if query.is_sliced else rows

    def get_queryset(self, request, exclude_parameters=None):
        if "proofs_count" not in self.root_queryset.query.annotations:
            proofs = (
                Attachment.objects.filter(application=OuterRef("pk"))
                .order_by()
                .values("application")
                .annotate(n=Count("pk"))
                .values("n")
            )
            self.root_queryset = self.root_queryset.annotate(proofs_count=Subquery(proofs, output_field=IntegerField()))
        return super().get_queryset(request, exclude_parameters)


def application_search(term: str) -> Q:
    """One indexed lookup chosen by what the term looks like (a generic OR across joined
    tables would scan a million rows): reference, card number, phone, ID last four, or
    the beginning of a member's or unit's name."""
    upper = term.upper()
    if upper.startswith("JD") and upper[2:].isdigit():
        return Q(reference=upper)
    members = Q(applicant_member_id__in=Member.objects.filter(member_search(term)).values("id"))
    if term.isascii():
        return members
    return members | Q(applicant_organisation_id__in=Organisation.objects.filter(name__startswith=term).values("id"))


def _chain_steps(application: Application) -> list[dict]:
    """The review chain as steps a reviewer reads: each level's name, and whether it is done, the
    current one, still to come, or skipped (held by the applicant's own side)."""
    skipped = set(workflow.skipped_levels(application))
    current = workflow.current_level(application)
    chain = list(application.review_chain or ())
    reviewing = current is not None and current.value in chain
    index = chain.index(current.value) if reviewing else None
    finished = application.status in {S.APPROVED, S.BATCHED, S.PAID, S.PAYMENT_FAILED, S.CLOSED}
    steps = []
    for i, level in enumerate(chain):
        if level in skipped:
            state, note = "skipped", _("本方单位，跳过")
        elif reviewing and i == index:
            state, note = "current", _("当前")
        elif (reviewing and i < index) or finished:
            state, note = "done", _("已通过")
        else:
            state, note = "todo", _("待审核")
        steps.append({"label": labels.level_label(level), "state": state, "note": note})
    return steps


def _reasons(decision: dict) -> list[dict]:
    """The frozen decision's reasons, each with its clause's citation and quoted text, as read."""
    rows = []
    for reason in decision.get("reasons") or ():
        clause = reason.get("clause") or {}
        rows.append(
            {
                "ok": reason.get("ok"),
                "mark": {True: "✓", False: "✗"}.get(reason.get("ok"), "？"),
                "message": labels.plain_source(reason.get("message", "")),
                "citation": labels.plain_source(clause.get("citation", "")),
                "quote": labels.plain_source(clause.get("quote", "")),
            }
        )
    return rows


def _fact_rows(application: Application) -> list[tuple[str, object]]:
    """(label, value) for each fact, labelled by the rule's schema; values as frozen."""
    try:
        schema = registry.get(application.rule_id, application.policy_year).schema
    except registry.UnknownRule:
        return list(application.facts.items())
    choices = {f.name: dict(f.choices) for f in schema}
    rows = []
    for fact in schema:
        value = application.facts.get(fact.name)
        if value is True or value is False:
            value = "是" if value else "否"
        rows.append((fact.label, choices[fact.name].get(value, value)))
    return rows


class FactsField(forms.JSONField):
    """The offering's fixed facts: an empty box (not "{}") when there are none."""

    def prepare_value(self, value):
        return "" if value in (None, {}) else super().prepare_value(value)

    def clean(self, value):
        return super().clean(value) or {}


class OfferingForm(forms.ModelForm):
    capacity = forms.IntegerField(label=_("名额"), min_value=1)

    class Meta:
        model = Offering
        fields = (
            "rule_id",
            "policy_year",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "organiser",
            "facts",
            "is_open",
            "notes",
        )

    user = None  # the request's user (UserFormMixin)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "facts" in self.fields:
            field = self.fields["facts"]
            self.fields["facts"] = FactsField(label=field.label, help_text=field.help_text, required=False)
        if self.instance.pk:
            self.fields["capacity"].initial = self.instance.quota.capacity
            self.fields["capacity"].min_value = self.instance.quota.taken

    def clean(self):
        cleaned = super().clean()
        organiser = cleaned.get("organiser") if not self.instance.pk else self.instance.organiser
        if organiser is not None and self.user is not None:
            try:
                check_organiser(self.user, organiser)
            except ApplicationError as exc:
                self.add_error("organiser" if "organiser" in self.fields else None, exc.message)
        return cleaned


@admin.register(Offering)
class OfferingAdmin(UserFormMixin, ScopedAdmin):
    def history_value_display(self, field, value):
        return labels.history_value(field, value)  # rule titles, review chains, facts and decisions in words

    form = OfferingForm
    list_display = ("title", "project_title", "policy_year", "starts_at", "location", "organiser", "places", "is_open")
    list_filter = (ProjectFilter, "policy_year", "is_open")
    search_fields = ("title", "location")
    list_select_related = ("quota", "organiser")
    readonly_fields = ("quota", "project_title")
    raw_id_fields = ("organiser",)

    @admin.display(description=_("服务项目"), ordering="project")
    def project_title(self, obj):
        return labels.project_title(obj.project) if obj.project else "—"

    project_title.export_label = labels.project_title  # the export's column in the same words

    @admin.display(description=_("规则"))
    def rule_title(self, obj):
        return labels.rule_title(obj.rule_id, obj.policy_year)

    @admin.display(description=_("固定事实"))
    def facts_text(self, obj):
        return labels.facts_text(obj.facts or {})

    @admin.display(description=_("名额"))
    def capacity(self, obj):  # the form's capacity, as a reader without the change right sees it
        return obj.quota.capacity if obj and obj.quota_id else "—"

    @admin.display(description=_("名额"))
    def places(self, obj):
        return f"{obj.quota.taken}/{obj.quota.capacity}"

    def scope_queryset(self, request, queryset):
        # Offerings are public offerings: every reviewer sees them; editing is by permission.
        return queryset if request.user.is_staff else queryset.none()

    def get_readonly_fields(self, request, obj=None):
        # What people booked is fixed: the rule, the year, the organiser and the offering's facts.
        if obj:
            return ("quota", "project_title", "rule_title", "policy_year", "organiser", "facts_text")
        return ("quota", "project_title")

    def get_exclude(self, request, obj=None):
        return ("rule_id", "facts") if obj else ()

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Everything is read-only: the labelled displays stand in for the codes they show.
            swap = {"rule_id": "rule_title", "facts": "facts_text", "project": "project_title"}
            fields = list(dict.fromkeys(swap.get(f, f) for f in fields))
        return fields

    def has_change_permission(self, request, obj=None):
        # Every reviewer sees every offering; only the organiser's own scope changes one.
        return super().has_change_permission(request, obj) and (obj is None or may_change_offering(request.user, obj))

    def save_model(self, request, obj, form, change):
        if change:
            offering_update(
                user=request.user,
                offering=obj,
                capacity=form.cleaned_data["capacity"],
                **{k: form.cleaned_data[k] for k in OFFERING_EDITABLE if k in form.cleaned_data},
            )
            return
        created = offering_create(
            user=request.user,
            rule_id=obj.rule_id,
            policy_year=obj.policy_year,
            title=obj.title,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            capacity=form.cleaned_data["capacity"],
            organiser=obj.organiser,
            location=obj.location,
            facts=obj.facts,
            notes=obj.notes,
        )
        obj.pk = created.pk


class QuotaPoolForm(forms.ModelForm):
    # A pool's size is a district target: changing it needs a reason, kept in the pool's history.
    reason = forms.CharField(
        label=_("调整名额的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("改变名额时必填，记入名额变更记录。"),
    )

    class Meta:
        model = QuotaPool
        fields = ("key", "project", "policy_year", "label", "capacity", "first_come", "opens_at")

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        try:
            check_capacity(pool=self.instance, capacity=capacity)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return capacity

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if capacity is not None:
            try:
                check_capacity_reason(pool=self.instance, capacity=capacity, reason=cleaned.get("reason", ""))
            except ApplicationError as exc:
                self.add_error("reason", exc.message)
        return cleaned


@admin.register(QuotaPool)
class QuotaPoolAdmin(ScopedAdmin):
    def history_value_display(self, field, value):
        return labels.history_value(field, value)  # rule titles, review chains, facts and decisions in words

    form = QuotaPoolForm
    # The key is the pool's identifier for the code (and the district's add form), not a clerk's word.
    list_display = ("label", "project_title", "policy_year", "capacity", "taken", "remaining")
    list_filter = (ProjectFilter, "policy_year")
    search_fields = ("label", "key")
    readonly_fields = ("taken",)
    history_version_exclude = ("key",)

    @admin.display(description=_("服务项目"), ordering="project")
    def project_title(self, obj):
        return labels.project_title(obj.project)

    project_title.export_label = labels.project_title  # the export's column in the same words

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # The reason belongs to a change of size, which a view-only role cannot make.
            fields = [{"project": "project_title"}.get(f, f) for f in fields if f not in ("key", "reason")]
        return fields

    def scope_queryset(self, request, queryset):
        return queryset if request.user.is_staff else queryset.none()

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return is_district(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("capacity", "reason")}
        quota_capacity_set(
            pool=obj, capacity=form.cleaned_data["capacity"], reason=form.cleaned_data.get("reason", ""), **fields
        )


QUEUE_COUNT_SECONDS = 30


def review_queue_count(request) -> int | None:
    """ "待我审核 N" on the index: one COUNT over the user's own queue (their scope, their level's
    statuses), kept for half a minute per user so a busy clerk's index costs one query at most twice a
    minute. None for a user without the review right or without a queue."""
    from django.core.cache import cache

    user = request.user
    role = StaffRole.DISTRICT if user.is_superuser else getattr(user, "role", None)
    statuses = ROLE_QUEUE.get(role)
    model_admin = admin.site._registry.get(Application)
    if not statuses or model_admin is None or not model_admin.has_view_permission(request):
        return None
    key = f"admin:review-queue-count:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = model_admin.get_queryset(request).filter(status__in=statuses).order_by().count()
        cache.set(key, count, QUEUE_COUNT_SECONDS)
    return count


_stock_index = admin.site.index


def _index_with_queue_count(request, extra_context=None):
    return _stock_index(request, {"review_queue_count": review_queue_count(request), **(extra_context or {})})


admin.site.index = _index_with_queue_count
