"""The reading-room register in the admin: scoped view, district edits through the service."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, is_district
from jiading_union.admin_spreadsheets import SpreadsheetImportMixin

from . import services
from .imports import ReadingRoomApplicationsResource
from .models import ReadingRoom


@admin.register(ReadingRoom)
class ReadingRoomAdmin(SpreadsheetImportMixin, ScopedAdmin):
    resource_classes = [ReadingRoomApplicationsResource]  # imports.py: units' applications through the submission
    scope_organisation = "unit"
    scope_street = "unit__street"
    list_display = (
        "unit",
        "street",
        "point_type",
        "policy_year",
        "books",
        "periodicals",
        "audio_video",
        "designated_on",
        "is_active",
        "application_reference",
    )
    list_filter = ("point_type", "policy_year", "is_active")
    list_select_related = ("unit", "unit__street", "application")
    search_fields = ("^unit__name", "=application__reference")
    show_full_result_count = False
    fields = (
        "unit",
        "point_type",
        "policy_year",
        "books",
        "periodicals",
        "audio_video",
        "designated_on",
        "is_active",
        "application_reference",
        "created_at",
    )
    readonly_fields = ("unit", "point_type", "policy_year", "designated_on", "application_reference", "created_at")

    @admin.display(description=_("批准的申请"))
    def application_reference(self, obj):
        url = reverse("admin:projects_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.reference)

    @admin.display(description=_("所属街镇"), ordering="unit__street__code")
    def street(self, obj):
        return obj.unit.street

    def has_add_permission(self, request):
        return False  # created when the district approves the application

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.reading_room_update(
            user=request.user,
            room=obj,
            books=data["books"],
            periodicals=data["periodicals"],
            audio_video=data["audio_video"],
            is_active=data["is_active"],
        )
