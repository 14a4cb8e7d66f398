"""Admin mixins: Excel import (preview, then confirm) and export of any changelist.

Thin: the pages validate the upload and call jiading_union.imports / exports services; the job page
shows what the service (or its Celery task) wrote on the SpreadsheetJob. Put the mixin before the
admin base class: ``class MemberAdmin(SpreadsheetImportMixin, SpreadsheetExportMixin, ScopedAdmin)``.

URLs added under the model's admin (names ``<app>_<model>_…``):
``import/<key>/`` upload, ``import/<key>/template/`` the template, ``import/job/<id>/`` preview and
result; ``export/`` (the changelist's query string: its filters and search), ``export/job/<id>/``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .admin import error_text
from .exports import EXPORT_QUEUED, XLSX_TYPE, export_changelist_start
from .imports import declared, get_import, import_job_confirm, import_job_start

UPLOAD_TOO_LARGE = "文件超过 {limit} MB：请拆分成几个文件后再上传。"
UPLOAD_REQUIRED = "请选择要上传的文件。"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("表格文件"), error_messages={"required": UPLOAD_REQUIRED})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SPREADSHEET_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(UPLOAD_TOO_LARGE.format(limit=limit // (1024 * 1024)))
        return upload


def _prefix(model_admin) -> str:
    opts = model_admin.model._meta
    return f"{opts.app_label}_{opts.model_name}"


CHANGE_LIST_TEMPLATE = "admin/spreadsheets/change_list.html"


class SpreadsheetImportMixin:
    change_list_template = CHANGE_LIST_TEMPLATE
    spreadsheet_imports: tuple[str, ...] = ()  # keys of declared imports (jiading_union.imports.REGISTRY)

    def get_urls(self):
        prefix, view = _prefix(self), self.admin_site.admin_view
        return [
            path("import/<slug:key>/", view(self.import_view), name=f"{prefix}_import"),
            path("import/<slug:key>/template/", view(self.import_template_view), name=f"{prefix}_import_template"),
            path("import/job/<int:job_id>/", view(self.import_job_view), name=f"{prefix}_import_job"),
            *super().get_urls(),
        ]

    def _import_spec(self, request, key):
        if key not in self.spreadsheet_imports:
            raise Http404
        spec = get_import(key)
        if not spec.may_import(request.user):
            raise PermissionDenied
        return spec

    def spreadsheet_import_links(self, request) -> list[dict]:
        imports = declared()
        return [
            {"url": reverse(f"admin:{_prefix(self)}_import", args=[key]), "title": imports[key].title}
            for key in self.spreadsheet_imports
            if imports[key].may_import(request.user)
        ]

    def import_view(self, request, key):
        spec = self._import_spec(request, key)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = import_job_start(user=request.user, spec=spec, upload=form.cleaned_data["file"])
            return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_import_job", args=[job.pk]))
        return TemplateResponse(
            request,
            "admin/spreadsheets/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"导入{spec.title}",
                "spec": spec,
                "form": form,
                "template_url": reverse(f"admin:{_prefix(self)}_import_template", args=[key]),
                "limit_mb": settings.SPREADSHEET_UPLOAD_MAX_BYTES // (1024 * 1024),
            },
        )

    def import_template_view(self, request, key):
        spec = self._import_spec(request, key)
        response = HttpResponse(spec.template(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = attachment(f"{spec.title}模板.xlsx")
        return response

    def import_job_view(self, request, job_id):
        from members.models import JobKind, JobStatus, SpreadsheetJob

        job = get_object_or_404(
            SpreadsheetJob, pk=job_id, kind=JobKind.IMPORT, created_by=request.user, spec__in=self.spreadsheet_imports
        )
        spec = self._import_spec(request, job.spec)
        if request.method == "POST":
            try:
                job = import_job_confirm(user=request.user, job=job)
            except PermissionDenied as exc:
                messages.error(request, error_text(exc) or "无权操作。")
            return HttpResponseRedirect(request.path)
        working = job.status in (JobStatus.CHECKING, JobStatus.IMPORTING)
        result = job.result or {}
        return TemplateResponse(
            request,
            "admin/spreadsheets/import_job.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"导入{spec.title}：{job.source_name}",
                "spec": spec,
                "job": job,
                "result": result,
                "working": working,
                "may_confirm": job.status == JobStatus.CHECKED,
                "headers": [c.header for c in spec.columns],
                "preview_rows": [
                    {
                        "row": r["row"],
                        "action": ACTIONS.get(r["action"], ""),
                        "cells": [r.get(c.header, "") for c in spec.columns],
                    }
                    for r in result.get("preview", [])
                ],
                "again_url": reverse(f"admin:{_prefix(self)}_import", args=[job.spec]),
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "spreadsheet_imports": self.spreadsheet_import_links(request)}
        return super().changelist_view(request, extra_context)


ACTIONS = {"created": "新增", "changed": "修改", "unchanged": "不变"}


class SpreadsheetExportMixin:
    """Export the changelist as the user sees it (scope, filters, search) to .xlsx."""

    change_list_template = CHANGE_LIST_TEMPLATE
    # (header, lookup path) pairs; None: the list's columns that are model fields (see exports.py).
    export_columns: tuple[tuple[str, str], ...] | None = None

    def get_urls(self):
        prefix, view = _prefix(self), self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name=f"{prefix}_export"),
            path("export/job/<int:job_id>/", view(self.export_job_view), name=f"{prefix}_export_job"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        outcome = export_changelist_start(model_admin=self, request=request)
        if outcome.job is not None:
            messages.info(request, EXPORT_QUEUED)
            return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_export_job", args=[outcome.job.pk]))
        response = HttpResponse(outcome.content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = attachment(outcome.filename)
        return response

    def export_job_view(self, request, job_id):
        from members.models import JobKind, JobStatus, SpreadsheetJob

        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            SpreadsheetJob, pk=job_id, kind=JobKind.EXPORT, created_by=request.user, spec=self.model._meta.label_lower
        )
        if request.GET.get("download") and job.status == JobStatus.EXPORTED:
            return FileResponse(
                job.output.open("rb"), as_attachment=True, filename=job.source_name, content_type=XLSX_TYPE
            )
        return TemplateResponse(
            request,
            "admin/spreadsheets/export_job.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"导出{self.model._meta.verbose_name_plural}",
                "job": job,
                "working": job.status == JobStatus.EXPORTING,
                "ready": job.status == JobStatus.EXPORTED,
            },
        )

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{_prefix(self)}_export")
        query = request.GET.urlencode()
        extra_context = {**(extra_context or {}), "spreadsheet_export_url": f"{url}?{query}" if query else url}
        return super().changelist_view(request, extra_context)


def attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
