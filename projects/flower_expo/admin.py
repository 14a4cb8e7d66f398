"""“看花博” trips in the admin: the organiser, its street/town union and the district
see and complete their trips (visit date, hardship family members) through the service."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin

from . import services
from .models import ExpoTrip
from .selectors import COUNTED


@admin.register(ExpoTrip)
class ExpoTripAdmin(ScopedAdmin):
    scope_organisation = "organisation"
    scope_street = "organisation__street"
    list_display = (
        "organisation",
        "visit_date",
        "visitors",
        "hardship_family_members",
        "organised_as",
        "counted",
        "application_reference",
    )
    list_filter = ("organised_as", "visit_date")
    list_select_related = ("organisation", "application")
    search_fields = ("^organisation__name", "=application__reference")
    date_hierarchy = "visit_date"
    show_full_result_count = False
    fields = (
        "organisation",
        "organised_as",
        "visit_date",
        "visitors",
        "hardship_family_members",
        "application_reference",
        "created_at",
    )
    readonly_fields = ("organisation", "organised_as", "visitors", "application_reference", "created_at")

    @admin.display(description=_("申报"))
    def application_reference(self, obj):
        url = reverse("admin:projects_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.reference)

    @admin.display(description=_("计入累计"), boolean=True)
    def counted(self, obj):
        return obj.application.status in COUNTED

    def has_add_permission(self, request):
        return False  # registered when the union's application is confirmed

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.application.status not in COUNTED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.expo_trip_update(
            user=request.user,
            trip=obj,
            visit_date=data["visit_date"],
            hardship_family_members=data["hardship_family_members"],
        )
