"""Admin base classes every app's admin builds on.

ScopedAdmin: rows filtered through members.selectors.scope_for (deny by
default); an out-of-scope object is a 404 on every admin URL, its history
included (AuditedAdmin: for every admin, an object outside its queryset has no
history page either); only district staff may delete. Which models and actions a role has
comes from Django permissions (members.roles).

DistrictManagedAdmin: shared reference data everyone may read (per their
permissions) and only district staff change.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.selectors import is_district_staff, may_read_full_id_numbers, scope_for

from .admin_spreadsheets import SpreadsheetExportMixin
from .history import HISTORY_TYPES, ReadableHistoryHelper, version_rows


class CappedCountPaginator(Paginator):
    """For tables of a million rows: count at most CAP + 1 rows (the ordering index serves
    `COUNT(*) FROM (… LIMIT CAP+1)`), so a page never waits on a full count. Beyond the cap
    the admin shows "10000+" and staff narrow the list with filters or search."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Without ORDER BY, PostgreSQL counts from whichever index covers the filter; only the primary
        # key is selected, so a list's annotations (a correlated COUNT per row) are not computed for
        # every counted row.
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


class UserFormMixin:
    """Hands the request's user to the admin form (a subclass per request, so nothing shared is
    mutated), for forms that run the services' checks in clean()."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})


class StreetChoicesMixin:
    """A `street` foreign key offers only the street/town unions the user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "street":
            from members.models import OrganisationLevel
            from members.selectors import organisations_visible_to

            kwargs["queryset"] = organisations_visible_to(request.user).filter(level=OrganisationLevel.STREET)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


is_district = is_district_staff


def error_text(exc: Exception) -> str:
    """A service's refusal as one line for a message: a ValidationError's messages, an
    ApplicationError's message, or the text of anything else (PermissionDenied)."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)


class AuditedAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    """History (who, when, diff) visible on every object, read-only for everyone; and every list
    exported as .xlsx or CSV (SpreadsheetExportMixin: the user's rows, filters and search applied).

    simple-history's version page is a model form that saves on POST whatever
    SIMPLE_HISTORY_REVERT_DISABLED says; here it is a read-only page and refuses every
    method but GET, so history can never write around the services. Values are shown
    through jiading_union.history (labels, local times) with ID numbers masked for roles
    that may not read them in full.
    """

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    history_version_template = "admin/history/version.html"
    # Fields left off the version page (bookkeeping nobody reads).
    history_version_exclude: tuple[str, ...] = ()

    def history_value_display(self, field, value) -> str | None:
        """A model's own wording for one stored value (None: the default display)."""
        return None

    def history_masked(self, request) -> bool:
        return not may_read_full_id_numbers(request.user)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(
            self.model, historical_record, masked=self.history_masked(request), value_display=self.history_value_display
        )

    def history_view(self, request, object_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        history = getattr(self.model, opts.simple_history_manager_attribute)
        record = get_object_or_404(history.filter(**{opts.pk.attname: obj.pk}), history_id=unquote(version_id))
        rows = version_rows(
            record.instance,
            masked=self.history_masked(request),
            value_display=self.history_value_display,
            exclude=self.history_version_exclude,
        )
        return TemplateResponse(
            request,
            self.history_version_template,
            {
                **self.admin_site.each_context(request),
                **(extra_context or {}),
                "title": f"{obj}：{HISTORY_TYPES.get(record.history_type, '')}记录",
                "opts": opts,
                "object": obj,
                "record": record,
                "rows": rows,
                "history_type": HISTORY_TYPES.get(record.history_type, ""),
            },
        )

    def revert_disabled(self, request, obj=None):
        return True

    def has_view_history_or_change_history_permission(self, request, obj):
        # simple-history falls back to the historical rows of an object outside the queryset (another
        # scope's, or one this admin keeps out of every list): it is a 404 like the object itself.
        if obj is None or not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise Http404
        return super().has_view_history_or_change_history_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_district(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_district(request.user):
            actions.pop("delete_selected", None)
        return actions


class ScopedAdmin(AuditedAdmin):
    # Lookups from this model to the organisation tree (see members.selectors.Scope.filter).
    scope_organisation = "organisation"
    scope_street = "street"
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request, queryset):
        return scope_for(request.user).filter(queryset, organisation=self.scope_organisation, street=self.scope_street)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another scope's object looks exactly like a missing one.
            raise Http404
        return obj

    def in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()


class DistrictManagedAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return is_district(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)


admin.site.empty_value_display = "—"


def _each_context_with_lazy_apps(request):
    """Every admin page's context, with the sidebar's app list built only when a page shows it: it
    asks every registered admin for its permissions and reverses two URLs per model (the index reads
    its own app_list; a page without the sidebar, such as the review queue, never needs it)."""
    site = admin.site
    script_name = request.META["SCRIPT_NAME"]
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": SimpleLazyObject(lambda: site.get_app_list(request)),
        "is_popup": False,
        "is_nav_sidebar_enabled": site.enable_nav_sidebar,
        "log_entries": site.get_log_entries(request),
    }


admin.site.each_context = _each_context_with_lazy_apps

BOOLEAN_WORDS = {True: _("是"), False: _("否"), None: _("未知")}


def _boolean_icon(value):
    """Django's yes/no icon with its alternative text in words (Django's own says alt="True")."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), BOOLEAN_WORDS[value])


# Every list column, read-only field and inline reaches the icon through this module attribute.
admin_list._boolean_icon = _boolean_icon
