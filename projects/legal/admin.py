"""Legal aid and legal check-ups in the admin.

Centres and lawyers are shared data only district staff change. Cases, check-up records
and street allocations are scoped (members.selectors.scope_for); every save calls a
service in projects/legal/services.py, whose checks the forms run first so errors show
beside the fields. Status-like fields (case status, completion, places taken) are never
form fields.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import DistrictManagedAdmin, ScopedAdmin, UserFormMixin, is_district
from jiading_union.admin_spreadsheets import SpreadsheetImportMixin
from members.models import Organisation, OrganisationLevel
from projects import labels
from projects.services.errors import ApplicationError
from subsidies.rules import registry

from . import selectors, services
from .imports import LegalCheckupCandidatesResource
from .models import (
    CaseStatus,
    Lawyer,
    LegalAidCase,
    LegalAidCentre,
    LegalCheckupAllocation,
    LegalCheckupRecord,
)


def _application_link(application):
    url = reverse("admin:projects_application_change", args=[application.pk])
    return format_html('<a href="{}">{}</a>', url, application.reference)


def _add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- Centres and lawyers -------------------------------------------------------------------


@admin.register(LegalAidCentre)
class LegalAidCentreAdmin(UserFormMixin, DistrictManagedAdmin):
    list_display = ("name", "kind", "street", "address", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
    list_select_related = ("street",)
    fields = ("name", "kind", "street", "address", "phone", "is_active")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "street":
            kwargs["queryset"] = Organisation.objects.filter(level=OrganisationLevel.STREET, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.legal_aid_centre_save(user=request.user, centre=obj)


@admin.register(Lawyer)
class LawyerAdmin(UserFormMixin, DistrictManagedAdmin):
    list_display = ("name", "centre", "phone", "licence_number", "is_active")
    list_filter = ("centre", "is_active")
    search_fields = ("^name", "=licence_number")
    list_select_related = ("centre",)
    fields = ("name", "centre", "phone", "licence_number", "is_active")

    def save_model(self, request, obj, form, change):
        services.lawyer_save(user=request.user, lawyer=obj)


# --- Legal-aid cases -----------------------------------------------------------------------


def overdue_days() -> int:
    return getattr(settings, "REVIEW_OVERDUE_DAYS", 7)


class WaitingFilter(admin.SimpleListFilter):
    title = _("待指派")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (("all", _("全部待指派")), ("overdue", _("等待超过%(days)d天") % {"days": overdue_days()}))

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset.filter(status=CaseStatus.AWAITING)
        if self.value() == "overdue":
            cutoff = timezone.now() - timedelta(days=overdue_days())
            return queryset.filter(status=CaseStatus.AWAITING, accepted_at__lt=cutoff)
        return queryset


class LegalAidCaseForm(forms.ModelForm):
    user = None

    class Meta:
        model = LegalAidCase
        fields = ("centre", "lawyer", "outcome", "outcome_notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "centre" in self.fields:
            self.fields["centre"].queryset = selectors.active_centres()
        if "lawyer" in self.fields:
            self.fields["lawyer"].queryset = Lawyer.objects.filter(is_active=True).select_related("centre")

    def clean(self):
        cleaned = super().clean()
        case = LegalAidCase.objects.get(pk=self.instance.pk)  # as stored, not as the form changed it
        try:
            if {"centre", "lawyer"} & set(self.changed_data):
                services.check_legal_aid_case_assign(
                    user=self.user, case=case, centre=cleaned.get("centre"), lawyer=cleaned.get("lawyer")
                )
                case.status = CaseStatus.ASSIGNED  # closing in the same save follows the assignment
            if cleaned.get("outcome"):
                services.check_legal_aid_case_close(user=self.user, case=case, outcome=cleaned["outcome"])
        except ApplicationError as exc:
            _add_service_error(self, exc)
        return cleaned


@admin.register(LegalAidCase)
class LegalAidCaseAdmin(UserFormMixin, ScopedAdmin):
    scope_organisation = "application__organisation"
    scope_street = "application__street"
    form = LegalAidCaseForm
    list_display = ("reference", "applicant", "street", "status", "accepted_at", "waiting_days", "centre", "lawyer")
    list_filter = (WaitingFilter, "status", "centre", "outcome")
    search_fields = ("=application__reference", "^application__applicant_member__name")
    search_help_text = _("按申请编号或申请人姓名（开头）查找")
    list_select_related = ("application", "application__applicant_member", "application__street", "centre", "lawyer")
    ordering = ("accepted_at",)
    show_full_result_count = False
    fields = (
        "application_link",
        "applicant",
        "facts_summary",
        "status",
        "accepted_at",
        "centre",
        "lawyer",
        "assigned_at",
        "assigned_by",
        "outcome",
        "outcome_notes",
        "closed_at",
        "closed_by",
    )

    @admin.display(description=_("申请编号"), ordering="application__reference")
    def reference(self, obj):
        return obj.application.reference

    @admin.display(description=_("申请"))
    def application_link(self, obj):
        return _application_link(obj.application)

    @admin.display(description=_("申请人"))
    def applicant(self, obj):
        return obj.application.applicant_name

    @admin.display(description=_("所属街镇"), ordering="application__street")
    def street(self, obj):
        return obj.application.street

    @admin.display(description=_("等待天数"), ordering="accepted_at")
    def waiting_days(self, obj):
        return selectors.days_waiting(obj) if obj.status == CaseStatus.AWAITING else "—"

    @admin.display(description=_("符合的条件"))
    def facts_summary(self, obj):
        decision = obj.application.decision or {}
        met = [r["message"] for r in decision.get("reasons", ()) if r.get("ok") is True and r.get("message")]
        return format_html_join("", "<div>{}</div>", ((m,) for m in met)) if met else "—"

    def get_readonly_fields(self, request, obj=None):
        editable: tuple[str, ...] = ()
        if obj is not None and is_district(request.user):
            if obj.status == CaseStatus.AWAITING:
                editable = ("centre", "lawyer")
            elif obj.status == CaseStatus.ASSIGNED:
                editable = ("centre", "lawyer", "outcome", "outcome_notes")
        return [f for f in self.fields if f not in editable]

    def has_add_permission(self, request):
        return False  # a case is opened when the centre approves the application

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if {"centre", "lawyer"} & set(form.changed_data):
            services.legal_aid_case_assign(
                user=request.user, case=obj, centre=form.cleaned_data["centre"], lawyer=form.cleaned_data["lawyer"]
            )
        if form.cleaned_data.get("outcome"):
            services.legal_aid_case_close(
                user=request.user,
                case=obj,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data.get("outcome_notes", ""),
            )
        obj.refresh_from_db()


# --- Legal check-ups: street allocations ------------------------------------------------------


def checkup_years() -> list[int]:
    return sorted(
        (r.policy_year for r in registry.all_rules() if r.rule_id == selectors.LEGAL_CHECKUP_RULE), reverse=True
    )


class AllocationForm(forms.ModelForm):
    user = None
    street = forms.ModelChoiceField(label=_("街镇"), queryset=Organisation.objects.none())
    policy_year = forms.TypedChoiceField(label=_("政策年度"), coerce=int, choices=())
    places = forms.IntegerField(label=_("分配名额（家）"), min_value=0)

    class Meta:
        model = LegalCheckupAllocation
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Organisation.objects.filter(
            level=OrganisationLevel.STREET, is_active=True
        ).order_by("code")
        self.fields["policy_year"].choices = [(y, str(y)) for y in checkup_years()]
        year = checkup_years()[0]
        notes = []
        if self.instance.pk:
            year, street = selectors.checkup_pool_street(self.instance)
            self.fields["street"].initial = street
            self.fields["policy_year"].initial = year
            self.fields["places"].initial = self.instance.capacity
            self.fields["street"].disabled = self.fields["policy_year"].disabled = True
            notes.append(_("已确定%(taken)d家，名额不能少于已确定数。") % {"taken": self.instance.taken})
        notes.append(
            _("全区共%(total)d家，已分配%(allocated)d家。")
            % {"total": selectors.checkup_district_total(year), "allocated": selectors.checkup_allocated(year)}
        )
        self.fields["places"].help_text = " ".join(str(n) for n in notes)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.check_legal_checkup_allocation(
                    user=self.user,
                    street=cleaned["street"],
                    policy_year=cleaned["policy_year"],
                    places=cleaned["places"],
                )
            except ApplicationError as exc:
                _add_service_error(self, exc)
        return cleaned


@admin.register(LegalCheckupAllocation)
class LegalCheckupAllocationAdmin(UserFormMixin, ScopedAdmin):
    form = AllocationForm
    list_display = ("label", "policy_year", "capacity", "taken", "remaining")
    history_version_exclude = ("key",)  # the pool's identifier for the code

    def history_value_display(self, field, value):
        return labels.history_value(field, value)

    list_filter = ("policy_year",)
    search_fields = ("label",)
    ordering = ("-policy_year", "key")

    def get_fields(self, request, obj=None):
        return ("street", "policy_year", "places", "taken") if obj else ("street", "policy_year", "places")

    def get_readonly_fields(self, request, obj=None):
        return ("taken",)

    @admin.display(description=_("名额"))
    def places(self, obj):  # the form's places, as a reader without the change right sees it
        return obj.capacity if obj else "—"

    @admin.display(description=_("街镇"))
    def street(self, obj):  # the form's street, as a reader without the change right sees it
        return selectors.checkup_pool_street(obj)[1] if obj else "—"

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=selectors.checkup_allocations_visible_to(request.user).values("pk"))

    def has_add_permission(self, request):
        return is_district(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # set the places to 0 instead; claims keep the pool

    def save_model(self, request, obj, form, change):
        pool = services.legal_checkup_allocate(
            user=request.user,
            street=form.cleaned_data["street"],
            policy_year=form.cleaned_data["policy_year"],
            places=form.cleaned_data["places"],
        )
        obj.pk = pool.pk
        obj.refresh_from_db()


# --- Legal check-up records ------------------------------------------------------------------


class CheckupRecordForm(forms.ModelForm):
    user = None

    class Meta:
        model = LegalCheckupRecord
        fields = ("phase", "provider", "findings")

    def clean(self):
        cleaned = super().clean()
        if "phase" in self.fields and not self.errors:
            record = LegalCheckupRecord.objects.select_related("application").get(pk=self.instance.pk)
            try:
                services.check_legal_checkup_record_update(user=self.user, record=record, phase=cleaned["phase"])
            except ApplicationError as exc:
                _add_service_error(self, exc)
        return cleaned


@admin.register(LegalCheckupRecord)
class LegalCheckupRecordAdmin(SpreadsheetImportMixin, UserFormMixin, ScopedAdmin):
    resource_classes = [LegalCheckupCandidatesResource]  # imports.py: the street's list through the submission
    scope_organisation = "application__organisation"
    scope_street = "application__street"
    form = CheckupRecordForm
    list_display = ("reference", "enterprise", "street", "policy_year", "phase", "provider", "completed_at")
    list_filter = ("phase", "application__policy_year", ("completed_at", admin.EmptyFieldListFilter))
    search_fields = ("=application__reference", "^application__applicant_organisation__name")
    list_select_related = ("application", "application__applicant_organisation", "application__street")
    ordering = ("created_at",)
    actions = ("complete_selected",)
    fields = (
        "application_link",
        "enterprise",
        "street",
        "phase_table",
        "phase",
        "provider",
        "findings",
        "created_at",
        "completed_at",
        "updated_by",
    )

    @admin.display(description=_("申请编号"), ordering="application__reference")
    def reference(self, obj):
        return obj.application.reference

    @admin.display(description=_("申请"))
    def application_link(self, obj):
        return _application_link(obj.application)

    @admin.display(description=_("企业"))
    def enterprise(self, obj):
        return obj.application.applicant_name

    @admin.display(description=_("所属街镇"))
    def street(self, obj):
        return obj.application.street

    @admin.display(description=_("政策年度"), ordering="application__policy_year")
    def policy_year(self, obj):
        return obj.application.policy_year

    @admin.display(description=_("实施时间"))
    def phase_table(self, obj):
        rows = [
            (("▶ " if w.code == obj.phase else ""), w.label, w.starts.isoformat(), w.ends.isoformat())
            for w in selectors.checkup_phases(obj.application.policy_year)
        ]
        return format_html_join("", "<div>{}{}：{} — {}</div>", rows)

    def get_readonly_fields(self, request, obj=None):
        editable = (
            ("phase", "provider", "findings")
            if (obj is not None and obj.completed_at is None and is_district(request.user))
            else ()
        )
        return [f for f in self.fields if f not in editable]

    def has_add_permission(self, request):
        return False  # a record is opened when the district approves the enterprise's application

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.legal_checkup_record_update(
            user=request.user,
            record=obj,
            phase=form.cleaned_data["phase"],
            provider=form.cleaned_data.get("provider", ""),
            findings=form.cleaned_data.get("findings", ""),
        )
        obj.refresh_from_db()

    @admin.action(description=_("办结所选企业的“法律体检”（已完成总结评估）"), permissions=["change"])
    def complete_selected(self, request, queryset):
        done = 0
        for record in queryset:
            try:
                services.legal_checkup_record_complete(user=request.user, record=record)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{record.application.reference}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("已办结 %(n)d 家企业。") % {"n": done}, messages.SUCCESS)
