"""“五送” deliveries in the admin: street staff record them for approved members in their street.

The form validates with the services' checks; save_model calls the services, so the
admin refuses exactly what any other door refuses (cash, wrong year, a second check-up…).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, UserFormMixin
from jiading_union.admin_spreadsheets import SpreadsheetImportMixin
from members.selectors import scope_for
from projects.models import Application
from projects.services.errors import ApplicationError
from subsidies.rules import registry

from . import registration, selectors, services
from .imports import RealNameRegistrationResource
from .models import CARE_RULE, RealNameRegistration, ServiceDelivery


class ServiceDeliveryForm(forms.ModelForm):
    user = None  # set per request by ServiceDeliveryAdmin.get_form

    class Meta:
        model = ServiceDelivery
        fields = ("application", "kind", "delivered_on", "gift_form", "note")

    def clean(self):
        cleaned = super().clean()
        application = cleaned.get("application") or (self.instance.application if self.instance.pk else None)
        kind = cleaned.get("kind") or self.instance.kind
        delivered_on = cleaned.get("delivered_on")
        if application is None or not kind or delivered_on is None or self.errors:
            return cleaned
        try:
            services.check_five_services(
                user=self.user,
                application=application,
                kind=kind,
                delivered_on=delivered_on,
                gift_form=cleaned.get("gift_form") or "",
            )
            if not self.instance.pk:
                services.check_not_yet_delivered(application=application, kind=kind)
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned


@admin.register(ServiceDelivery)
class ServiceDeliveryAdmin(UserFormMixin, ScopedAdmin):
    form = ServiceDeliveryForm
    list_display = ("member", "kind", "delivered_on", "gift_form", "street", "application", "recorded_by")
    list_filter = ("kind", "gift_form", ("street", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "delivered_on"
    search_fields = ("=member__card_number", "^member__name", "=application__reference")
    search_help_text = _("按会员服务卡号、姓名（开头）或申请编号查找")
    list_select_related = ("member", "street", "application", "recorded_by")
    autocomplete_fields = ("application",)
    show_full_result_count = False
    change_list_template = "flexible_workers/admin/servicedelivery_change_list.html"

    def get_readonly_fields(self, request, obj=None):
        base = ("member", "organisation", "street", "recorded_by", "created_at")
        return ("application", "kind", *base) if obj else base

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "application":
            kwargs["queryset"] = scope_for(request.user).filter(
                Application.objects.filter(rule_id=CARE_RULE, status__in=services.HELD)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.five_services_update(
                user=request.user,
                delivery=obj,
                delivered_on=data["delivered_on"],
                gift_form=data.get("gift_form") or "",
                note=data.get("note") or "",
            )
            return
        created = services.five_services_record(
            user=request.user,
            application=data["application"],
            kind=data["kind"],
            delivered_on=data["delivered_on"],
            gift_form=data.get("gift_form") or "",
            note=data.get("note") or "",
        )
        obj.pk = created.pk

    # --- check-ups not yet delivered ---------------------------------------------------

    def get_urls(self):
        custom = [
            path(
                "checkups/",
                self.admin_site.admin_view(self.checkups_view),
                name="flexible_workers_servicedelivery_checkups",
            )
        ]
        return custom + super().get_urls()

    def checkups_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = [y for y in registry.years_of(CARE_RULE) if y <= timezone.localdate().year] or registry.years_of(
            CARE_RULE
        )
        year = _int(request.GET.get("year")) or years[-1]
        if year not in years:
            year = years[-1]
        due_by = _date(request.GET.get("due_by"))
        rows = selectors.checkups_not_delivered(user=request.user, policy_year=year, due_by=due_by)
        return TemplateResponse(
            request,
            "flexible_workers/admin/checkups_not_delivered.html",
            {
                **self.admin_site.each_context(request),
                "title": _("健康体检待安排"),
                "opts": self.model._meta,
                "rows": rows[:500],
                "year": year,
                "years": years,
                "due_by": due_by,
                "today": timezone.localdate(),
            },
        )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class RealNameRegistrationForm(forms.ModelForm):
    user = None  # set per request (UserFormMixin)

    class Meta:
        model = RealNameRegistration
        fields = ("member", "uploaded_on")
        help_texts = {"uploaded_on": _("上传“申工通”平台的日期；起保日为其次月1日")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("member") is not None and cleaned.get("uploaded_on") is not None:
            try:
                registration.check_registration(
                    user=self.user, member=cleaned["member"], uploaded_on=cleaned["uploaded_on"]
                )
            except ApplicationError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned


@admin.register(RealNameRegistration)
class RealNameRegistrationAdmin(SpreadsheetImportMixin, UserFormMixin, ScopedAdmin):
    """Street (park, industry) staff register members who paid the 120 yuan dues in one go; the
    coverage follows from the registration (registration.flexible_worker_register). A registration
    is a record: it is not edited afterwards."""

    form = RealNameRegistrationForm
    resource_classes = [RealNameRegistrationResource]  # imports.py: the same service, row by row
    export_columns = (
        ("姓名", "member__name"),
        ("会员服务卡号", "member__card_number"),
        ("身份证号码", "member__id_number"),
        ("登记工会", "union"),
        ("所属街镇", "street"),
        ("上传日期", "uploaded_on"),
        ("专享保障", "coverage"),
        ("登记人", "registered_by"),
        ("登记时间", "created_at"),
    )
    scope_organisation = "union"
    list_display = ("member", "union", "uploaded_on", "coverage", "registered_by", "created_at")
    list_filter = (("street", admin.RelatedOnlyFieldListFilter),)
    date_hierarchy = "uploaded_on"
    search_fields = ("=member__card_number", "^member__name")
    raw_id_fields = ("member",)
    list_select_related = ("member", "union", "coverage", "registered_by")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the coverage it started stands on it

    def save_model(self, request, obj, form, change):
        created = registration.flexible_worker_register(
            user=request.user, member=form.cleaned_data["member"], uploaded_on=form.cleaned_data["uploaded_on"]
        )
        obj.pk = created.pk
