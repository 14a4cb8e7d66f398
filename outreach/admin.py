"""The outreach pages of the admin (thin: outreach.selectors and outreach.services decide).

- 政策找人结果: the entitled members who have not applied, in the user's scope (street/town staff
  their street, district staff everything; grassroots unions none), filterable by project, street
  and finding, exportable to .xlsx with ID numbers masked (jiading_union/exports.py); above the list,
  the uptake per project and street/town (entitled, applied, approved, paid), the last scan's
  progress and, for district staff, the button that starts a scan now (POST).
- The schedules of the daily jobs (django-celery-beat's PeriodicTask): below the superuser, only a
  task's schedule, on/off and description can be changed (outreach/roles.py grants the district).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from jiading_union.admin import CappedCountPaginator, is_district
from jiading_union.admin_spreadsheets import SpreadsheetExportMixin
from members.selectors import scope_for
from projects.services.errors import ApplicationError

from . import selectors
from .models import Finding, FindingState
from .services import outreach_scan_request


class ProjectFilter(admin.SimpleListFilter):
    title = _("服务项目")
    parameter_name = "project"

    def lookups(self, request, model_admin):
        return list(selectors.project_titles().items())

    def queryset(self, request, queryset):
        return queryset.filter(project=self.value()) if self.value() else queryset


class StreetFilter(admin.SimpleListFilter):
    title = _("所属街镇")
    parameter_name = "street"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in selectors.streets_in_scope(request.user)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(street_id=int(value)) if value and value.isdigit() else queryset


class StateFilter(admin.SimpleListFilter):
    title = _("判定")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in FindingState if s in selectors.ENTITLED]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Finding)
class FindingAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Read-only: findings are written by the scan alone, in bulk and without history (millions of
    rows a night); scoped like jiading_union.admin.ScopedAdmin."""

    paginator = CappedCountPaginator
    show_full_result_count = False

    change_list_template = "admin/outreach/finding/change_list.html"
    list_display = ("member_name", "organisation", "street", "project_title", "rule_title", "state", "window_closes")
    list_filter = (ProjectFilter, StreetFilter, StateFilter)
    list_select_related = ("member", "organisation", "street")
    search_fields = ("=member__name",)
    ordering = ("street_id", "organisation_id", "member_id", "rule_id")
    fields = (
        "member_name",
        "organisation",
        "street",
        "project_title",
        "rule_title",
        "state",
        "window_opens",
        "window_closes",
        "evaluated_at",
        "notified_at",
    )
    readonly_fields = fields
    export_columns = (
        ("姓名", "member__name"),
        ("身份证号码", "member__id_number"),
        ("手机号码", "member__phone"),
        ("所属工会", "organisation"),
        ("所属街镇", "street"),
        ("服务项目", "project", selectors.project_titles),
        ("可申请的项目", "rule_id", selectors.rule_titles),
        ("判定", "state"),
        ("申报期开始", "window_opens"),
        ("申报期截止", "window_closes"),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(state__in=selectors.ENTITLED, applied=False)
        return scope_for(request.user).filter(queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # another scope's finding looks exactly like a missing one
        return obj

    @admin.display(description=_("姓名"), ordering="member__name")
    def member_name(self, obj):
        return obj.member.name

    @admin.display(description=_("服务项目"))
    def project_title(self, obj):
        return selectors.project_titles().get(obj.project, "—")

    @admin.display(description=_("可申请的项目"))
    def rule_title(self, obj):
        return selectors.rule_titles().get(obj.rule_id, "—")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("scan/", view(self.scan_view), name="outreach_finding_scan"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "uptake": selectors.uptake(request.user) if self.has_view_permission(request) else [],
            "scan_run": selectors.last_scan_run(),
            "may_scan": is_district(request.user),
        }
        return super().changelist_view(request, extra_context)

    def scan_view(self, request):
        """POST: district staff start a scan now (the Celery task, queued on commit)."""
        if not is_district(request.user) or not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            outreach_scan_request(user=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已发起政策找人，完成后本页显示结果。"))
        return HttpResponseRedirect(reverse("admin:outreach_finding_changelist"))


class ScheduleForm(forms.ModelForm):
    """What district staff may change in a periodic task: when it runs, whether, and its note."""

    class Meta:
        model = PeriodicTask
        fields = ("enabled", "crontab", "description")

    def clean(self):
        data = super().clean()
        if not data.get("crontab") and self.instance.interval_id is None:
            self.add_error("crontab", _("请选择运行时间。"))
        return data


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class ScheduleAdmin(PeriodicTaskAdmin):
    """django-celery-beat's admin; below the superuser only the schedule fields, no add or delete."""

    export_columns = (  # the export (jiading_union/admin_spreadsheets.py), in words
        ("任务名", "name"),
        ("启用", "enabled"),
        ("运行时间（分）", "crontab__minute"),
        ("运行时间（时）", "crontab__hour"),
        ("说明", "description"),
        ("上次运行时刻", "last_run_at"),
        ("运行次数", "total_run_count"),
    )

    def _limited(self, request) -> bool:
        return not request.user.is_superuser

    def get_form(self, request, obj=None, **kwargs):
        if self._limited(request):
            kwargs["form"] = ScheduleForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if self._limited(request):
            return [
                (None, {"fields": ("name", "task", "enabled", "crontab", "crontab_translation", "description")}),
                (_("运行记录"), {"fields": ("last_run_at", "total_run_count")}),
            ]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._limited(request):
            return ("name", "task", "crontab_translation", "last_run_at", "total_run_count")
        return super().get_readonly_fields(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._limited(request):
            actions.pop("run_tasks", None)  # running a job now: the scan has its own button
        return actions

    def crontab_translation(self, obj):
        return obj.crontab.human_readable if obj.crontab_id else "—"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
