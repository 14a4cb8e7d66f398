"""Sanitation rosters in the admin: read-only (rows come from the unit's spreadsheet),
scoped through the application's organisation and street, ID numbers always masked."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin
from jiading_union.admin_spreadsheets import SpreadsheetImportMixin
from projects import labels

from .imports import SanitationRosterResource
from .models import RosterEntry, SanitationRoster
from .selectors import RULE_ID


class RosterEntryInline(admin.TabularInline):
    model = RosterEntry
    fields = ("row_number", "name", "masked_id", "pays_social_insurance")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("row_number",)

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SanitationRoster)
class SanitationRosterAdmin(SpreadsheetImportMixin, ScopedAdmin):
    resource_classes = [SanitationRosterResource]  # imports.py: workers by unit, each unit through the submission

    def history_value_display(self, field, value):
        return labels.history_value(field, value)  # the roster is an application: its history in words

    list_display = (
        "reference",
        "applicant_organisation",
        "street",
        "policy_year",
        "status",
        "declared",
        "entry_count",
        "amount",
    )
    list_filter = ("policy_year", "status")
    search_fields = ("=reference", "^applicant_organisation__name")
    list_select_related = ("applicant_organisation", "street")
    ordering = ("-submitted_at",)
    show_full_result_count = False
    fields = (
        "application_link",
        "applicant_organisation",
        "street",
        "policy_year",
        "status",
        "declared",
        "entry_count",
        "amount",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = (RosterEntryInline,)

    def scope_queryset(self, request, queryset):
        return super().scope_queryset(request, queryset.filter(rule_id=RULE_ID))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("roster_entries"))

    @admin.display(description=_("申请"))
    def application_link(self, obj):
        url = reverse("admin:projects_application_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description=_("申报参保人数"))
    def declared(self, obj):
        return obj.facts.get("insured_workers", "—")

    @admin.display(description=_("名册人数"), ordering="entry_count")
    def entry_count(self, obj):
        return obj.entry_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
