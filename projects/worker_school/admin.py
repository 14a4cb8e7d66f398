"""On-site checks and the register of worker schools in the admin.

District staff record checks (the street/town union sees its own); a check
already used by an application is evidence and read-only. Schools are created
by approving the grant; district staff keep name, address and status current.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, is_district
from members.models import Organisation, OrganisationLevel

from . import services
from .models import SiteCheck, WorkerSchool


def _application_link(application):
    if application is None:
        return "—"
    url = reverse("admin:projects_application_change", args=[application.pk])
    return format_html('<a href="{}">{}</a>', url, application.reference)


class SiteCheckForm(forms.ModelForm):
    class Meta:
        model = SiteCheck
        fields = ("street_union", "policy_year", "school_name", "address", "checked_at", "passed", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "street_union" in self.fields:
            self.fields["street_union"].queryset = Organisation.objects.filter(
                level=OrganisationLevel.STREET, street_kind__in=services.STREET_TOWN_KINDS, is_active=True
            )
        if "policy_year" in self.fields and not self.instance.pk:
            self.fields["policy_year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        street_union = data.get("street_union") or getattr(self.instance, "street_union", None)
        if street_union is not None and data.get("checked_at") is not None:
            try:
                services.site_check_clean(
                    street_union=street_union,
                    school_name=data.get("school_name", ""),
                    address=data.get("address", ""),
                    checked_at=data["checked_at"],
                    passed=bool(data.get("passed")),
                    note=data.get("note", ""),
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data


@admin.register(SiteCheck)
class SiteCheckAdmin(ScopedAdmin):
    form = SiteCheckForm
    scope_organisation = "street_union"
    scope_street = "street_union__street"
    list_display = (
        "school_name",
        "street_union",
        "policy_year",
        "checked_at",
        "passed",
        "checked_by",
        "application_reference",
    )
    list_filter = ("policy_year", "passed")
    list_select_related = ("street_union", "checked_by", "application")
    search_fields = ("school_name", "^street_union__name")
    show_full_result_count = False

    @admin.display(description=_("用于申请"))
    def application_reference(self, obj):
        return _application_link(obj.application)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("checked_by", "application_reference", "created_at")
        return ("street_union", "policy_year", "checked_by", "application_reference", "created_at")

    def get_fields(self, request, obj=None):
        fields = ["street_union", "policy_year", "school_name", "address", "checked_at", "passed", "note"]
        return fields if obj is None else [*fields, "checked_by", "application_reference", "created_at"]

    def has_add_permission(self, request):
        return is_district(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.application_id is not None:
            return False  # used by an application: evidence, read-only
        return is_district(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "school_name": data["school_name"],
            "address": data["address"],
            "checked_at": data["checked_at"],
            "passed": data["passed"],
            "note": data["note"],
        }
        if change:
            services.site_check_correct(user=request.user, check=obj, **fields)
            return
        created = services.site_check_record(
            user=request.user, street_union=data["street_union"], policy_year=data["policy_year"], **fields
        )
        obj.pk = created.pk


@admin.register(WorkerSchool)
class WorkerSchoolAdmin(ScopedAdmin):
    scope_organisation = "street_union"
    scope_street = "street_union__street"
    list_display = (
        "name",
        "street_union",
        "address",
        "built_on",
        "asset_spend",
        "on_site_checked_at",
        "is_open",
        "application_reference",
    )
    list_filter = ("is_open",)
    list_select_related = ("street_union", "application")
    search_fields = ("name", "^street_union__name", "=application__reference")
    show_full_result_count = False
    fields = (
        "street_union",
        "name",
        "address",
        "built_on",
        "asset_spend",
        "on_site_checked_at",
        "on_site_checked_by",
        "is_open",
        "application_reference",
        "created_at",
    )
    readonly_fields = (
        "street_union",
        "built_on",
        "asset_spend",
        "on_site_checked_at",
        "on_site_checked_by",
        "application_reference",
        "created_at",
    )

    @admin.display(description=_("批准的申请"))
    def application_reference(self, obj):
        return _application_link(obj.application)

    def has_add_permission(self, request):
        return False  # created when the district approves the grant

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.worker_school_update(
            user=request.user, school=obj, name=data["name"], address=data["address"], is_open=data["is_open"]
        )
