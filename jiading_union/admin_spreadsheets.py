"""Admin import and export through django-import-export, with our engine underneath.

``SpreadsheetImportMixin`` is django-import-export's ImportMixin and ``SpreadsheetExportMixin`` its
ExportMixin (``class MemberAdmin(SpreadsheetImportMixin, SpreadsheetExportMixin, ScopedAdmin)``,
``resource_classes = [MemberResource]``): its URLs and views (``import/`` → ``process_import/``,
``export/``), its forms (resource and format choices, the confirm form), its Resource classes —
jiading_union/resources.py, whose import_data and export are jiading_union/imports.py and exports.py.
What differs from its defaults, and why:

- the upload is kept in a SpreadsheetJob (members/jobs.py), owned by its uploader, not in a temp
  file named by the confirm form; the dry run runs in the request for a small file and in a Celery
  task for a large one (the web request never parses 50,000 rows), and the check — every error with
  row and column, or what will be created, changed and left alone — is shown on the job's page,
  whose confirm form posts to ``process_import/``; confirming twice imports once;
- no LogEntry per row: every imported row has its history row naming the user and the file;
- the export writes the changelist (scope, filters, search) with one query in write-only mode, in a
  Celery task past SPREADSHEET_INLINE_MAX_ROWS rows.

Our URLs next to django-import-export's (names ``<app>_<model>_…``): ``import/<key>/template/`` the
template, ``import/job/<id>/`` the check and result, ``export/job/<id>/`` a large export's page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from import_export.signals import post_import

from .exports import CONTENT_TYPES, EXPORT_QUEUED, XLSX_TYPE, columns_for, export_changelist_start
from .imports import get_import, import_job_confirm, import_job_start
from .resources import EXPORT_FORMATS, IMPORT_FORMATS, SpreadsheetResource, resource_for_import

UPLOAD_TOO_LARGE = "文件超过 {limit} MB：请拆分成几个文件后再上传。"
UPLOAD_REQUIRED = "请选择要上传的文件。"
CONFIRM_BROKEN = "确认导入的表单不完整：请从检查结果页面确认。"


def _prefix(model_admin) -> str:
    opts = model_admin.model._meta
    return f"{opts.app_label}_{opts.model_name}"


CHANGE_LIST_TEMPLATE = "admin/spreadsheets/change_list.html"


def _our_choices(form, formats) -> None:
    """Formats by the clerk's words, the first preselected (the file's content tells the format)."""
    field = form.fields["format"]
    field.label = _("文件格式")
    field.required = False
    field.choices = [(str(i), f().get_title()) for i, f in enumerate(formats)]
    field.initial = "0"
    form.fields["resource"].label = _("导入内容")


class SpreadsheetImportForm(ImportForm):
    """django-import-export's first step (resource, file, format) with our limit and words."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        _our_choices(self, formats)
        upload = self.fields["import_file"]
        upload.label = _("表格文件")
        upload.error_messages["required"] = UPLOAD_REQUIRED

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.SPREADSHEET_UPLOAD_MAX_BYTES
        if upload.size > limit:
            from django import forms

            raise forms.ValidationError(UPLOAD_TOO_LARGE.format(limit=limit // (1024 * 1024)))
        return upload

    def clean_format(self):
        return self.cleaned_data.get("format") or "0"


class SpreadsheetExportForm(ExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        _our_choices(self, formats)
        self.fields["resource"].label = _("导出内容")

    def clean_format(self):
        return self.cleaned_data.get("format") or "0"


def _export_resource(model) -> type[SpreadsheetResource]:
    return type(f"{model.__name__}ExportResource", (SpreadsheetResource,), {"model": model, "__module__": __name__})


class _Resources:
    """Resource classes: ``resource_classes`` as declared; else one per key of ``spreadsheet_imports``
    (imports) or one for the model (export)."""

    spreadsheet_imports: tuple[str, ...] = ()
    import_export_change_list_template = CHANGE_LIST_TEMPLATE
    skip_admin_log = True  # each imported row's history row names the user and the file

    def get_resource_classes(self, request):
        if self.resource_classes:
            return self.resource_classes
        if self.spreadsheet_imports:
            return [resource_for_import(key) for key in self.spreadsheet_imports]
        return [_export_resource(self.model)]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"request": request, "model_admin": self}


class SpreadsheetImportMixin(_Resources, ImportMixin):
    import_template_name = "admin/spreadsheets/import.html"
    import_form_class = SpreadsheetImportForm
    confirm_form_class = ConfirmImportForm

    @property
    def import_formats(self):
        return IMPORT_FORMATS

    def get_import_resource_classes(self, request):
        return [r for r in super().get_import_resource_classes(request) if r.spreadsheet_import]

    def _import_keys(self, request) -> list[str]:
        return [r.spreadsheet_import for r in self.get_import_resource_classes(request)]

    def has_import_permission(self, request):
        return any(r.spec().may_import(request.user) for r in self.get_import_resource_classes(request))

    def get_urls(self):
        prefix, view = _prefix(self), self.admin_site.admin_view
        return [
            path("import/<slug:key>/template/", view(self.import_template_view), name=f"{prefix}_import_template"),
            path("import/job/<int:job_id>/", view(self.import_job_view), name=f"{prefix}_import_job"),
            *super().get_urls(),  # django-import-export's import/ and process_import/
        ]

    def _import_spec(self, request, key):
        if key not in self._import_keys(request):
            raise Http404
        spec = get_import(key)
        if not spec.may_import(request.user):
            raise PermissionDenied
        return spec

    def spreadsheet_import_links(self, request) -> list[dict]:
        if not self.has_import_permission(request):
            return []
        url = reverse(f"admin:{_prefix(self)}_import")
        return [
            {"url": url, "title": r.spec().title}
            for r in self.get_import_resource_classes(request)
            if r.spec().may_import(request.user)
        ][:1] or []

    def import_action(self, request, **kwargs):
        """Step one (django-import-export's view): the form; a valid upload becomes a job, checked in
        the request or, when large, by a task, and the check is shown on the job's page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method == "POST" and form.is_valid():
            resource_class = self.choose_import_resource_class(form, request)
            spec = self._import_spec(request, resource_class.spreadsheet_import)
            job = import_job_start(user=request.user, spec=spec, upload=form.cleaned_data["import_file"])
            return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_import_job", args=[job.pk]))
        specs = [r.spec() for r in self.get_import_resource_classes(request) if r.spec().may_import(request.user)]
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            [self.import_template_name],
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "导入" + "、".join(s.title for s in specs),
                "specs": [
                    {"spec": s, "template_url": reverse(f"admin:{_prefix(self)}_import_template", args=[s.key])}
                    for s in specs
                ],
                "form": form,
                "media": self.media + form.media,
                "limit_mb": settings.SPREADSHEET_UPLOAD_MAX_BYTES // (1024 * 1024),
            },
        )

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Step two (django-import-export's view): the confirm form names the checked job."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid() or not confirm_form.cleaned_data["import_file_name"].isdigit():
            messages.error(request, CONFIRM_BROKEN)
            return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_import"))
        return self._confirm(request, self._own_job(request, int(confirm_form.cleaned_data["import_file_name"])))

    def _own_job(self, request, job_id):
        from members.models import JobKind, SpreadsheetJob

        return get_object_or_404(
            SpreadsheetJob,
            pk=job_id,
            kind=JobKind.IMPORT,
            created_by=request.user,
            spec__in=self._import_keys(request),
        )

    def _confirm(self, request, job):
        from members.models import JobStatus

        self._import_spec(request, job.spec)
        try:
            job = import_job_confirm(user=request.user, job=job)
        except PermissionDenied as exc:
            from .admin import error_text  # jiading_union.admin builds its base classes on this module

            messages.error(request, error_text(exc) or "无权操作。")
        else:
            if job.status == JobStatus.IMPORTED:
                post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_import_job", args=[job.pk]))

    def import_template_view(self, request, key):
        spec = self._import_spec(request, key)
        response = HttpResponse(spec.template(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = attachment(f"{spec.title}模板.xlsx")
        return response

    def import_job_view(self, request, job_id):
        from members.models import JobStatus

        job = self._own_job(request, job_id)
        spec = self._import_spec(request, job.spec)
        if request.method == "POST":  # the confirm button of an older page
            return self._confirm(request, job)
        working = job.status in (JobStatus.CHECKING, JobStatus.IMPORTING)
        result = job.result or {}
        keys = self._import_keys(request)
        confirm_form = self.get_confirm_form_class(request)(
            initial={
                "import_file_name": str(job.pk),
                "original_file_name": job.source_name,
                "format": "0",
                "resource": str(keys.index(job.spec)),
            }
        )
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
                "confirm_form": confirm_form,
                "headers": [c.header for c in spec.columns],
                "preview_rows": [
                    {
                        "row": r["row"],
                        "action": ACTIONS.get(r["action"], ""),
                        "cells": [r.get(c.header, "") for c in spec.columns],
                    }
                    for r in result.get("preview", [])
                ],
                "again_url": reverse(f"admin:{_prefix(self)}_import"),
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "spreadsheet_imports": self.spreadsheet_import_links(request)}
        return super().changelist_view(request, extra_context)


ACTIONS = {"created": "新增", "changed": "修改", "unchanged": "不变"}


class SpreadsheetExportMixin(_Resources, ExportMixin):
    """Export the changelist as the user sees it (scope, filters, search) to .xlsx."""

    export_template_name = "admin/spreadsheets/export.html"
    export_form_class = SpreadsheetExportForm
    # (header, lookup path) pairs; None: the list's columns that are model fields (see exports.py).
    export_columns: tuple[tuple[str, str], ...] | None = None

    @property
    def export_formats(self):
        return EXPORT_FORMATS

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_urls(self):
        prefix, view = _prefix(self), self.admin_site.admin_view
        return [
            path("export/job/<int:job_id>/", view(self.export_job_view), name=f"{prefix}_export_job"),
            *super().get_urls(),  # django-import-export's export/
        ]

    def export_action(self, request):
        """django-import-export's export view: the form (resource, format), then the file — in the
        request, or from a job's page when the rows are many."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        formats = self.get_export_formats()
        resource_classes = self.get_export_resource_classes(request)
        form = self.get_export_form_class()(
            formats, resource_classes, data=request.POST if request.method == "POST" else None
        )
        if request.method == "POST" and form.is_valid():
            outcome = export_changelist_start(
                model_admin=self,
                request=request,
                resource_index=self.get_resource_index(form),
                format_index=int(form.cleaned_data["format"]),
            )
            if outcome.job is not None:
                messages.info(request, EXPORT_QUEUED)
                return HttpResponseRedirect(reverse(f"admin:{_prefix(self)}_export_job", args=[outcome.job.pk]))
            response = HttpResponse(outcome.content, content_type=outcome.content_type)
            response["Content-Disposition"] = attachment(outcome.filename)
            return response
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            [self.export_template_name],
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"导出{self.model._meta.verbose_name_plural}",
                "form": form,
                "headers": [c.header for c in columns_for(self, request)],
                "changelist_url": _changelist_url(self, request),
            },
        )

    def export_job_view(self, request, job_id):
        from members.models import JobKind, JobStatus, SpreadsheetJob

        if not self.has_export_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            SpreadsheetJob, pk=job_id, kind=JobKind.EXPORT, created_by=request.user, spec=self.model._meta.label_lower
        )
        if request.GET.get("download") and job.status == JobStatus.EXPORTED and job.output:
            extension = job.source_name.rsplit(".", 1)[-1]
            return FileResponse(
                job.output.open("rb"),
                as_attachment=True,
                filename=job.source_name,
                content_type=CONTENT_TYPES.get(extension, XLSX_TYPE),
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
                "ready": job.status == JobStatus.EXPORTED and bool(job.output),
                "purged": job.status == JobStatus.EXPORTED and not job.output,
            },
        )

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{_prefix(self)}_export")
        query = request.GET.urlencode()
        extra_context = {**(extra_context or {}), "spreadsheet_export_url": f"{url}?{query}" if query else url}
        return super().changelist_view(request, extra_context)


def _changelist_url(model_admin, request) -> str:
    url = reverse(f"admin:{_prefix(model_admin)}_changelist")
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def attachment(filename: str) -> str:
    from urllib.parse import quote

    extension = filename.rsplit(".", 1)[-1] if "." in filename else "xlsx"
    return f"attachment; filename=\"export.{extension}\"; filename*=UTF-8''{quote(filename)}"


def offer_export_everywhere(site, columns: dict | None = None) -> list[str]:
    """Every registered admin offers the export: ours have it from jiading_union.admin's base classes;
    any other (third-party admins: groups, sign-in attempts, schedules) is registered again as a
    subclass with SpreadsheetExportMixin. Run once the admin modules are loaded (MembersConfig.ready,
    after django.contrib.admin's autodiscover). ``columns``: model label → export_columns, for a
    third-party model whose field names have no Chinese words. Returns the models given the export here."""
    wrapped = []
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ExportMixin):
            continue
        cls = type(model_admin)
        # The mixin comes first: what the admin itself says of its columns and list template stays.
        attrs = {
            "__module__": cls.__module__,
            "export_columns": (columns or {}).get(model._meta.label_lower) or getattr(cls, "export_columns", None),
        }
        if getattr(cls, "change_list_template", None):
            attrs["change_list_template"] = cls.change_list_template
        subclass = type(cls.__name__, (SpreadsheetExportMixin, cls), attrs)
        site.unregister(model)
        site.register(model, subclass)
        wrapped.append(model._meta.label_lower)
    return wrapped
