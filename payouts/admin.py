"""Payout batches in the admin (district staff only).

"制作给付批次" lists the payable applications (payouts.selectors.payable_applications) for one
district staff member to gather into a batch; a different district staff member confirms or
cancels it with the buttons on the batch's page (not in the list's action menu: a payment is one
batch at a time, read before it is confirmed). Every button calls payouts.services.
"""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import DistrictManagedAdmin, error_text, is_district
from projects.catalogue import SERVICE_PROJECTS
from projects.labels import payer_label, route_label, rule_title, yuan

from . import reconciliation, selectors, services
from .models import Payment, PaymentFile, PayoutBatch, PayoutBatchStatus, Reconciliation

PREPARE_PAGE_ROWS = 500


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@admin.register(PayoutBatch)
class PayoutBatchAdmin(DistrictManagedAdmin):
    list_display = ("reference", "status", "total_yuan", "prepared_by", "prepared_at", "confirmed_by", "confirmed_at")
    list_select_related = ("prepared_by", "confirmed_by")
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
    actions = None  # confirm and cancel are the batch page's buttons, never a bulk dropdown
    change_list_template = "admin/payouts/payoutbatch/change_list.html"
    change_form_template = "admin/payouts/payoutbatch/change_form.html"

    @admin.display(description=_("合计"), ordering="total")
    def total_yuan(self, obj):
        return yuan(obj.total)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("给付批次"), **(extra_context or {})})

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
        # held by its payments for ever (or erasing the record of a confirmed payment). A batch is cancelled.
        return False

    def get_urls(self):
        return [
            path("prepare/", self.admin_site.admin_view(self.prepare_view), name="payouts_payoutbatch_prepare"),
            path(
                "<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="payouts_payoutbatch_confirm"
            ),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="payouts_payoutbatch_cancel"),
            path("reconcile/", self.admin_site.admin_view(self.reconcile_view), name="payouts_payoutbatch_reconcile"),
            path(
                "reconcile/<int:pk>/apply/",
                self.admin_site.admin_view(self.reconcile_apply_view),
                name="payouts_payoutbatch_reconcile_apply",
            ),
            path("report/", self.admin_site.admin_view(self.report_view), name="payouts_payoutbatch_report"),
            path(
                "prepare-failed/",
                self.admin_site.admin_view(self.prepare_failed_view),
                name="payouts_payoutbatch_prepare_failed",
            ),
            path(
                "<int:pk>/files/<int:file_pk>/",
                self.admin_site.admin_view(self.file_view),
                name="payouts_payoutbatch_file",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if batch is not None:
            extra.update(selectors.batch_page(batch))
            extra.update(_batch_reading(request, batch, extra))
            extra["title"] = _("给付批次 %(ref)s") % {"ref": batch.reference}  # not "查看 给付批次"
            extra["subtitle"] = None
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def file_view(self, request, pk, file_pk):
        """A payment file, for district staff (the full ID numbers are in it, and only there)."""
        batch = self.get_object(request, str(pk))
        if batch is None or not is_district(request.user):
            raise PermissionDenied
        record = PaymentFile.objects.filter(batch=batch, pk=file_pk).first()
        if record is None:
            raise Http404
        name = record.file.name.rsplit("/", 1)[-1]
        return FileResponse(record.file.open("rb"), as_attachment=True, filename=name)

    def _district_page(self, request):
        if not (is_district(request.user) and self.has_change_permission(request)):
            raise PermissionDenied

    def reconcile_view(self, request):
        """Upload a confirmation file, see what it would change and what it would not, then apply."""
        self._district_page(request)
        preview = None
        if request.method == "POST":
            try:
                preview = reconciliation.reconciliation_preview(user=request.user, upload=request.FILES.get("file"))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(request.get_full_path())
        elif request.GET.get("preview", "").isdigit():
            preview = Reconciliation.objects.filter(pk=int(request.GET["preview"])).first()
        return TemplateResponse(
            request,
            "admin/payouts/payoutbatch/reconcile.html",
            {
                **self.admin_site.each_context(request),
                "title": _("对账：上传回单"),
                "opts": self.model._meta,
                "preview": preview,
                "outcomes": {"confirmed": _("已到账"), "failed": _("失败"), "returned": _("退回")},
                "recent": Reconciliation.objects.select_related("uploaded_by", "applied_by")[:10],
            },
        )

    def reconcile_apply_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._district_page(request)
        record = Reconciliation.objects.filter(pk=pk).first()
        if record is None:
            raise Http404
        try:
            reconciliation.reconciliation_apply(user=request.user, reconciliation=record)
            messages.success(request, _("回单已入账：%(n)d 笔。") % {"n": len(record.changes)})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_reconcile") + f"?preview={record.pk}")

    def report_view(self, request):
        """Per payer and period: approved, batched, sent, confirmed, failed — sums over the ledger."""
        self._district_page(request)
        today = timezone.localdate()
        start = _date(request.GET.get("start")) or today.replace(month=1, day=1)
        end = _date(request.GET.get("end")) or today
        columns = [
            ("approved", _("已批准待制单")),
            ("pending", _("已纳入批次待发出")),
            ("sent", _("已发出待对账")),
            ("confirmed", _("已到账")),
            ("failed", _("失败")),
            ("returned", _("退回")),
        ]
        rows = selectors.payout_report(start=start, end=end)
        table = [{"payer": r["payer"], "cells": [r[key] for key, _label in columns]} for r in rows]
        return TemplateResponse(
            request,
            "admin/payouts/payoutbatch/report.html",
            {
                **self.admin_site.each_context(request),
                "title": _("给付报表"),
                "opts": self.model._meta,
                "start": start,
                "end": end,
                "columns": [label for _key, label in columns],
                "table": table,
            },
        )

    def prepare_failed_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._district_page(request)
        try:
            batch = services.payout_batch_prepare_failed(user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_prepare"))
        messages.success(
            request,
            _("已将失败、退回的给付纳入批次 %(ref)s，请由另一位区总工作人员复核确认。") % {"ref": batch.reference},
        )
        return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[batch.pk]))

    def prepare_view(self, request):
        if not (is_district(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            ids = [int(v) for v in request.POST.getlist("application") if v.isdigit()]
            try:
                batch = services.payout_batch_prepare(
                    user=request.user,
                    applications=selectors.payable_applications().filter(pk__in=ids),
                    note=request.POST.get("note", "")[:300],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(request.get_full_path())
            messages.success(
                request,
                _("已生成给付批次 %(ref)s（%(n)d 笔，合计 %(total)s），请由另一位区总工作人员复核确认。")
                % {"ref": batch.reference, "n": batch.payments.count(), "total": yuan(batch.total)},
            )
            return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[batch.pk]))
        rows = selectors.payable_applications().select_related("applicant_member", "applicant_organisation", "street")
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
        return self._batch_step(request, pk, services.payout_batch_confirm, _("已复核，正在给付（本页显示进度）"))

    def cancel_view(self, request, pk):
        return self._batch_step(request, pk, services.payout_batch_cancel, _("已作废"))


def _batch_reading(request, batch: PayoutBatch, page: dict) -> dict:
    """What the batch page shows besides the ledger's own figures (payouts.selectors.batch_page): the
    items in words (application, member, benefit, amount, route), totals per payer, who prepared it and
    who may confirm it. A fixed number of queries, whatever the batch's size."""
    from members.models import StaffRole, User

    items = [
        {
            "pk": p.application_id,
            "reference": p.application.reference,
            "member": p.application.applicant_name,
            "benefit": rule_title(p.benefit, p.application.policy_year),
            "amount": yuan(p.amount),
            "route": route_label(p.route),
            "payer": payer_label(p.payer),
            "status": p.get_status_display(),
        }
        for p in Payment.objects.filter(batch=batch)
        .select_related("application", "application__applicant_member", "application__applicant_organisation")
        .order_by("application_id", "payer")[: selectors.PAGE_PAYMENTS]
    ]
    per_payer: dict[str, list] = {}
    for row in page.get("by_payer_route", ()):
        total = per_payer.setdefault(row["payer"], [0, 0])
        total[0] += row["n"]
        total[1] += row["amount"] or 0
    prepared = batch.status == PayoutBatchStatus.PREPARED
    checkers = []
    if prepared:
        checkers = list(
            User.objects.filter(is_active=True, is_staff=True, role=StaffRole.DISTRICT)
            .exclude(pk=batch.prepared_by_id)
            .order_by("username")
            .values_list("username", flat=True)[:20]
        )
    return {
        "items": items,
        "payer_totals": [{"payer": payer, "n": n, "amount": yuan(amount)} for payer, (n, amount) in per_payer.items()],
        "batch_total": yuan(batch.total),
        "may_confirm": prepared and request.user.pk != batch.prepared_by_id and is_district(request.user),
        "may_cancel": prepared and is_district(request.user),
        "is_preparer": request.user.pk == batch.prepared_by_id,
        "checkers": checkers,
    }
