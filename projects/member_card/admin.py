"""The unit coverage class in the admin: the unit's grassroots union (or the district) chooses it.

The form validates with the service's check; save_model calls the service, which
takes the unit's lock and checks again.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, UserFormMixin
from members.models import OrganisationLevel
from members.selectors import organisations_visible_to
from projects.services.errors import ApplicationError

from . import selectors, services
from .models import UnitCoverageClass


class UnitCoverageClassForm(forms.ModelForm):
    user = None  # set per request by UnitCoverageClassAdmin.get_form

    class Meta:
        model = UnitCoverageClass
        fields = ("unit", "policy_year", "plan_class")

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit") or (self.instance.unit if self.instance.pk else None)
        year = cleaned.get("policy_year") or self.instance.policy_year
        plan_class = cleaned.get("plan_class")
        if unit is None or not year or not plan_class or self.errors:
            return cleaned
        current = UnitCoverageClass.objects.filter(unit=unit, policy_year=year).first()
        try:
            services.check_unit_coverage_class(
                user=self.user, unit=unit, policy_year=year, plan_class=plan_class, current=current
            )
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned


@admin.register(UnitCoverageClass)
class UnitCoverageClassAdmin(UserFormMixin, ScopedAdmin):
    form = UnitCoverageClassForm
    scope_organisation = "unit"
    scope_street = "unit__street"
    list_display = ("unit", "policy_year", "plan_class", "enrolled_count", "chosen_by", "chosen_at")
    list_filter = ("policy_year", "plan_class")
    search_fields = ("=unit__code", "unit__name")
    search_help_text = _("按单位编码或名称查找")
    list_select_related = ("unit", "chosen_by")
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.unit_coverage_classes_visible_to(request.user)

    @admin.display(description=_("本年度已参保人数"), ordering="enrolled")
    def enrolled_count(self, obj):
        return obj.enrolled

    def get_changeform_initial_data(self, request):
        initial = {"policy_year": timezone.localdate().year}
        if request.user.organisation_id and request.user.organisation.level == OrganisationLevel.GRASSROOTS:
            initial["unit"] = request.user.organisation_id
        return {**initial, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        return ("unit", "policy_year", "chosen_by", "chosen_at") if obj else ("chosen_by", "chosen_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = organisations_visible_to(request.user).filter(level=OrganisationLevel.GRASSROOTS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        unit = obj.unit
        chosen = services.unit_coverage_class_choose(
            user=request.user, unit=unit, policy_year=obj.policy_year, plan_class=form.cleaned_data["plan_class"]
        )
        obj.pk = chosen.pk
        obj.chosen_by, obj.chosen_at = chosen.chosen_by, chosen.chosen_at
