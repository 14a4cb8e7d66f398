"""SpreadsheetJob: one upload to import or one export to write, with its progress and outcome.

The row a staff member's import or export page reads while a Celery task works (or, without
REDIS_URL, after it ran in-process). jiading_union/imports.py and exports.py change it; nobody
edits it by hand, so it has no admin of its own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class JobStatus(models.TextChoices):
    CHECKING = "checking", _("正在检查")
    CHECKED = "checked", _("检查完毕，待确认")
    REFUSED = "refused", _("有错误，未导入")
    IMPORTING = "importing", _("正在导入")
    IMPORTED = "imported", _("已导入")
    EXPORTING = "exporting", _("正在导出")
    EXPORTED = "exported", _("已导出")
    FAILED = "failed", _("处理失败")


class SpreadsheetJob(models.Model):
    kind = models.CharField(_("类型"), max_length=8, choices=JobKind.choices)
    spec = models.CharField(_("内容"), max_length=64)  # an import's key or an export's model label
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices)
    source = models.FileField(_("上传的文件"), upload_to="spreadsheets/in/%Y/%m/", blank=True)
    source_name = models.CharField(_("文件名"), max_length=200, blank=True)
    query = models.TextField(_("筛选条件"), blank=True)  # an export's changelist query string
    output = models.FileField(_("导出的文件"), upload_to="spreadsheets/out/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("表格导入导出")
        verbose_name_plural = _("表格导入导出")
        ordering = ["-created_at"]
        # Importing a roster creates members, which the add form leaves to the district: the
        # permission lets grassroots and street staff do it for their own units (members/roles.py).
        permissions = [("import_member", _("可以导入会员名册"))]

    def __str__(self):
        return f"{self.source_name or self.spec} {self.get_status_display()}"
