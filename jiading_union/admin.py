"""Admin base classes every app's admin builds on.

ScopedAdmin: rows filtered through members.selectors.scope_for (deny by
default); an out-of-scope object is a 404 on every admin URL, its history
included; only district staff may delete. Which models and actions a role has
comes from Django permissions (members.roles).

DistrictManagedAdmin: shared reference data everyone may read (per their
permissions) and only district staff change.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from members.models import StaffRole
from members.selectors import scope_for


class CappedCountPaginator(Paginator):
    """For tables of a million rows: count at most CAP + 1 rows (the ordering index serves
    `COUNT(*) FROM (… LIMIT CAP+1)`), so a page never waits on a full count. Beyond the cap
    the admin shows "10000+" and staff narrow the list with filters or search."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Without ORDER BY, PostgreSQL counts from whichever index covers the filter.
        return self.object_list.order_by()[: self.CAP + 1].count()

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


def is_district(user) -> bool:
    return user.is_active and (user.is_superuser or (user.is_staff and user.role == StaffRole.DISTRICT))


class AuditedAdmin(SimpleHistoryAdmin):
    """History (who, when, diff) visible on every object; no reverting around the services."""

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
        return scope_for(request.user).filter(queryset, organisation=self.scope_organisation,
                                              street=self.scope_street)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another scope's object looks exactly like a missing one.
            raise Http404
        return obj

    def in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_history_or_change_history_permission(self, request, obj):
        # simple-history falls back to the historical rows of an object outside the queryset: check scope.
        if obj is None or not self.in_scope(request, obj):
            raise Http404
        return super().has_view_history_or_change_history_permission(request, obj)


class DistrictManagedAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return is_district(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)


admin.site.empty_value_display = "—"
