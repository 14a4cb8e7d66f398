"""Payout batches in the admin (district staff only).

"制作给付批次" lists the payable applications (projects.selectors.payable_applications) for one
district staff member to gather into a batch; a different district staff member confirms or
cancels it on the batch's page. Every button calls payouts.services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import DistrictManagedAdmin, error_text, is_district
from projects.catalogue import SERVICE_PROJECTS
from projects.selectors import payable_applications
from subsidies.rules.core import ROUTE_LABELS

from . import services
from .models import PayoutBatch, PayoutItem

PREPARE_PAGE_ROWS = 500


class PayoutItemInline(admin.TabularInline):
    model = PayoutItem
    extra = 0
    can_delete = False
    fields = ("application", "amount", "route_label", "live_label")
    readonly_fields = fields

    @admin.display(description=_("给付途径"))
    def route_label(self, item):
        return ROUTE_LABELS.get(item.route, item.route) or "—"

    @admin.display(description=_("状态"))
    def live_label(self, item):
        return _("在批次中") if item.live else _("批次已作废")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(DistrictManagedAdmin):
    list_display = ("reference", "status", "total", "prepared_by", "prepared_at", "confirmed_by", "confirmed_at")
    list_filter = ("status",)
    readonly_fields = (
        "reference",
        "status",
        "total",
        "prepared_by",
        "prepared_at",
        "confirmed_by",
        "confirmed_at",
        "note",
    )
    inlines = (PayoutItemInline,)
    actions = ("confirm_selected", "cancel_selected")
    change_list_template = "admin/payouts/payoutbatch/change_list.html"
    change_form_template = "admin/payouts/payoutbatch/change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_district(request.user) else queryset.none()

    def has_add_permission(self, request):
        return False  # batches are made on the prepare page, from payable applications

    def has_change_permission(self, request, obj=None):
        # A batch changes through its buttons alone (confirm, cancel): its page is read-only, so a
        # POST cannot re-save the row around payouts.services.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Not even the superuser: deleting a batch cascaded to its items, leaving its applications
        # "batched" for ever (or erasing the record of a confirmed payment). A batch is cancelled.
        return False

    def get_urls(self):
        return [
            path("prepare/", self.admin_site.admin_view(self.prepare_view), name="payouts_payoutbatch_prepare"),
            path(
                "<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="payouts_payoutbatch_confirm"
            ),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="payouts_payoutbatch_cancel"),
            *super().get_urls(),
        ]

    def prepare_view(self, request):
        if not (is_district(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            ids = [int(v) for v in request.POST.getlist("application") if v.isdigit()]
            try:
                batch = services.payout_batch_prepare(
                    user=request.user,
                    applications=payable_applications().filter(pk__in=ids),
                    note=request.POST.get("note", "")[:300],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(request.get_full_path())
            messages.success(
                request,
                _("已生成给付批次 %(ref)s（%(n)d 笔，合计 %(total)s 元），请由另一位区总工作人员复核确认。")
                % {"ref": batch.reference, "n": batch.items.count(), "total": batch.total},
            )
            return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[batch.pk]))
        rows = payable_applications().select_related("applicant_member", "applicant_organisation", "street")
        project = request.GET.get("project", "")
        if project:
            rows = rows.filter(project=project)
        rows = rows.order_by("decided_at", "pk")
        return TemplateResponse(
            request,
            "admin/payouts/payoutbatch/prepare.html",
            {
                **self.admin_site.each_context(request),
                "title": _("制作给付批次"),
                "opts": self.model._meta,
                "rows": list(rows[:PREPARE_PAGE_ROWS]),
                "limit": PREPARE_PAGE_ROWS,
                "projects": SERVICE_PROJECTS,
                "project": project,
                "project_titles": {p.code: p.title for p in SERVICE_PROJECTS},
            },
        )

    def _batch_step(self, request, pk, service, done):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        batch = self.get_object(request, str(pk))
        if batch is None or not self.has_change_permission(request):  # the page is read-only; the buttons act
            raise PermissionDenied
        try:
            service(user=request.user, batch=batch)
            messages.success(request, f"{batch.reference}：{done}")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{batch.reference}：{error_text(exc)}")
        return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[batch.pk]))

    def confirm_view(self, request, pk):
        return self._batch_step(request, pk, services.payout_batch_confirm, _("已确认给付"))

    def cancel_view(self, request, pk):
        return self._batch_step(request, pk, services.payout_batch_cancel, _("已作废"))

    def _run(self, request, queryset, service, label):
        for batch in queryset:
            try:
                service(user=request.user, batch=batch)
                messages.success(request, f"{batch.reference}：{label}")
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{batch.reference}：{error_text(exc)}")

    @admin.action(description=_("复核并确认给付所选批次"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._run(request, queryset, services.payout_batch_confirm, _("已确认给付"))

    @admin.action(description=_("作废所选批次"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._run(request, queryset, services.payout_batch_cancel, _("已作废"))
