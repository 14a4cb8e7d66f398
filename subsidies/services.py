"""Writes for policy data district staff maintain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from members.models import User
from members.selectors import is_district_staff
from subsidies.rules import registry
from subsidies.rules.data import PolicyDataError

from .models import PolicyOverride, PolicyOverrideKind, PolicyYear, PolicyYearStatus, ReferenceValue
from .selectors import (
    HELD_VERSION_KEY,
    opened_base,
    policy_data,
    policy_year_editors,
    policy_year_record,
    year_rule_ids,
)

DISTRICT_ONLY = "只有区总工会工作人员可以修改政策参数与表。"
REASON_REQUIRED = "请填写修改依据（文件、文号或会议纪要）。"
YEAR_DISTRICT_ONLY = "只有区总工会工作人员可以开设、修改和发布政策年度。"
YEAR_EXISTS = "{year}年度已有政策数据，不能重复开设。"
YEAR_NOT_LATER = "新年度须晚于沿用的{source}年度。"
YEAR_NO_SOURCE = "没有{source}年度的政策数据，无法沿用。"
YEAR_PUBLISHED = "{year}年度已发布，不能再修改；如需更正，请在政策参数与表中填写修改依据后修改。"
YEAR_NOT_DRAFT = "{year}年度不是草稿，不能发布。"
YEAR_SAME_EDITOR = "发布须由另一位区总工会工作人员完成：您开设或修改过{year}年度（双人复核）。"
YEAR_NEEDS_DATE = "请填写施行日期。"
YEAR_INVALID = "{year}年度未通过校验，不能发布：{error}"
NOT_A_DRAFT_NAME = "{year}年度没有“{name}”。"
CLAUSE_DRAFT_ONLY = "条款只能在草稿年度修改：{year}年度已发布或随程序发布，其条款不能再改。"
CLAUSE_SECTION_REQUIRED = "“条款（章节）”：请填写这一数值或条件出自文件的哪一条、哪一节。"
CLAUSE_TOO_LONG = "“{field}”：最多 {limit} 个字，现在 {n} 个字，请删减。"
CLAUSE_DOCUMENT_UNKNOWN = "“出自文件”：请选择本年度政策文件或本年度已引用的政策文件。"
CLAUSE_SECTION_MAX = 120
CLAUSE_QUOTE_MAX = 500


@transaction.atomic
def reference_value_set(*, series: str, effective_from: date, amount: Decimal, source: str = "") -> ReferenceValue:
    value, _ = ReferenceValue.objects.update_or_create(
        series=series, effective_from=effective_from, defaults={"amount": amount, "source": source}
    )
    value.full_clean()
    return value


@transaction.atomic
def policy_override_set(*, user: User, year: int, kind: str, name: str, value: Any, reason: str) -> PolicyOverride:
    """Correct one param or table of a policy year. Validated like the data files, and every
    rule of the year must still load with it; recorded with history; new decisions use it."""
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    if kind == PolicyOverrideKind.CLAUSE:
        value = _clause_value(year, value)
    current = policy_data(year)
    try:
        if kind == PolicyOverrideKind.PARAM:
            edited = current.with_overrides(params={name: value})
        elif kind == PolicyOverrideKind.CLAUSE:
            edited = current.with_overrides(clauses={name: value})
        else:
            edited = current.with_overrides(tables={name: value})
        registry.bind_rules(year, year_rule_ids(year), edited)  # a rule that cannot read it refuses the edit
    except PolicyDataError as exc:
        raise ValidationError({"value": str(exc)}) from None
    override = PolicyOverride.objects.filter(policy_year=year, kind=kind, name=name).first() or PolicyOverride(
        policy_year=year, kind=kind, name=name
    )
    override.value, override.reason, override.updated_by = value, reason.strip(), user
    override._history_user = user  # the audit names the editor, in or out of a web request
    override.save()
    return override


def _clause_value(year: int, value: Any) -> dict[str, str]:
    """A clause edit: only on a draft year (a published year's clauses are read-only, its values
    corrected with a reason); the section required, both texts within their limits, the document one
    the year may cite (its own 实事项目 document or one its inherited clauses cite)."""
    from .selectors import clause_documents

    record = PolicyYear.objects.filter(year=year).first()
    if record is None or not record.is_draft:
        raise ValidationError({"year": CLAUSE_DRAFT_ONLY.format(year=year)})
    spec = value if isinstance(value, dict) else {}
    document = str(spec.get("document") or "").strip()
    section = str(spec.get("section") or "").strip()
    quote = str(spec.get("quote") or "").strip()
    errors: dict[str, str] = {}
    if not section:
        errors["section"] = CLAUSE_SECTION_REQUIRED
    elif len(section) > CLAUSE_SECTION_MAX:
        errors["section"] = CLAUSE_TOO_LONG.format(field="条款（章节）", limit=CLAUSE_SECTION_MAX, n=len(section))
    if len(quote) > CLAUSE_QUOTE_MAX:
        errors["quote"] = CLAUSE_TOO_LONG.format(field="条款原文", limit=CLAUSE_QUOTE_MAX, n=len(quote))
    if document not in dict(clause_documents(year)):
        errors["document"] = CLAUSE_DOCUMENT_UNKNOWN
    if errors:
        raise ValidationError(errors)
    return {"document": document, "section": section, "quote": quote}


@transaction.atomic
def policy_override_clear(*, user: User, override: PolicyOverride) -> None:
    """Go back to the shipped value (the history keeps the edit)."""
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)
    override._history_user = user
    override.delete()


# --- Policy years district staff open -------------------------------------------------------------


def _held_years_changed() -> None:
    """Every process re-reads the published years (within a second); this one at once."""
    import uuid

    from django.core.cache import cache

    def bump():
        cache.set(HELD_VERSION_KEY, uuid.uuid4().hex, None)
        registry.refresh()

    transaction.on_commit(bump)
    registry.refresh()


def _district(user: User) -> None:
    if not is_district_staff(user):
        raise PermissionDenied(YEAR_DISTRICT_ONLY)


@transaction.atomic
def policy_year_open(
    *, user: User, year: int, source_year: int, also_from: tuple[int, ...] = (), note: str = ""
) -> PolicyYear:
    """Open `year` as a draft from `source_year`: it inherits every rule and every param, table and
    clause of the source (the source's own corrections included, copied as this year's), and, from
    each of `also_from`, the rules the source does not have with their data. Nothing of the source
    changes."""
    from .rules.data import available_years

    _district(user)
    if year in available_years() or PolicyYear.objects.filter(year=year).exists():
        raise ValidationError({"year": YEAR_EXISTS.format(year=year)})
    sources = (source_year, *also_from)
    for source in sources:
        if source >= year:
            raise ValidationError({"year": YEAR_NOT_LATER.format(source=source)})
        if source not in available_years() and policy_year_record(source) is None:
            raise ValidationError({"source_year": YEAR_NO_SOURCE.format(source=source)})
    base_years: list[int] = []
    rule_ids: list[str] = []
    copied: dict[tuple[str, str], PolicyOverride] = {}
    for source in sources:
        record = policy_year_record(source)
        for base in record.base_years if record else [source]:
            if base not in base_years:
                base_years.append(base)
        for rule_id in year_rule_ids(source):
            if rule_id not in rule_ids:
                rule_ids.append(rule_id)
        for override in PolicyOverride.objects.filter(policy_year=source):
            copied.setdefault((override.kind, override.name), override)
    opened = PolicyYear(
        year=year,
        source_year=source_year,
        base_years=base_years,
        rule_ids=rule_ids,
        note=note.strip(),
        opened_by=user,
    )
    opened._history_user = user
    opened.save()
    for override in copied.values():
        row = PolicyOverride(
            policy_year=year,
            kind=override.kind,
            name=override.name,
            value=override.value,
            reason=f"沿用{override.policy_year}年度修改：{override.reason}"[:300],
            updated_by=user,
        )
        row._history_user = user
        row.save()
    try:
        registry.bind_rules(year, rule_ids, opened_base(opened))
    except PolicyDataError as exc:
        raise ValidationError({"source_year": str(exc)}) from None
    return opened


def _draft(year: int) -> PolicyYear:
    record = PolicyYear.objects.select_for_update().filter(year=year).first()
    if record is None:
        raise ValidationError({"year": YEAR_NO_SOURCE.format(source=year)})
    if not record.is_draft:
        raise ValidationError({"year": YEAR_PUBLISHED.format(year=year)})
    return record


@transaction.atomic
def policy_year_edit(*, user: User, year: int, kind: str, name: str, value: Any, reason: str) -> PolicyOverride:
    """Edit one param (an amount, a date of a window, a quota, a review chain), table or clause of
    a draft year, validated like the files. A published year is corrected with policy_override_set."""
    _district(user)
    record = _draft(year)
    saved = policy_override_set(user=user, year=year, kind=kind, name=name, value=value, reason=reason)
    record._history_user = user
    record.save(update_fields=["updated_at"])
    return saved


@transaction.atomic
def policy_year_clause_set(
    *, user: User, year: int, name: str, document: str, section: str, quote: str = "", reason: str
) -> PolicyOverride:
    """Edit the clause a draft year cites for one param, table or condition: which document it comes
    from (the year's own 实事项目 document once its title is set) and the section and words it
    states. Validated and audited as every other edit of the draft; refused once published."""
    _district(user)
    record = policy_year_record(year)
    if record is None or not record.is_draft:
        raise ValidationError({"year": CLAUSE_DRAFT_ONLY.format(year=year)})
    if name not in policy_data(year).names():
        raise ValidationError({"year": NOT_A_DRAFT_NAME.format(year=year, name=name)})
    value = {"document": document, "section": section, "quote": quote}
    return policy_year_edit(user=user, year=year, kind=PolicyOverrideKind.CLAUSE, name=name, value=value, reason=reason)


@transaction.atomic
def policy_year_document_set(*, user: User, year: int, title: str, upload=None) -> PolicyYear:
    """The draft's own 实事项目 document: its title (cited by every clause of the year that names
    it) and the file, checked like every upload (type by content, size, no active content)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    _district(user)
    record = _draft(year)
    if not title.strip():
        raise ValidationError({"document_title": "请填写政策文件的名称。"})
    if upload is not None:
        check = import_string(settings.POLICY_DOCUMENT_CHECK)
        try:
            content_type, digest = check(upload)
        except Exception as exc:  # the upload check's own error, naming the file
            if isinstance(exc, (PermissionDenied,)):
                raise
            raise ValidationError({"document": str(exc)}) from None
        extensions = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
        if content_type not in extensions:
            raise ValidationError({"document": f"“{upload.name}”：政策文件请上传 PDF 或图片。"})
        record.document_extension = extensions[content_type]
        record.document_sha256 = digest
        record.document.save(f"{year}{extensions[content_type]}", upload, save=False)
    old_title, new_title = record.document_title, title.strip()[:120]
    if old_title and old_title != new_title:  # the clauses citing the year's own document follow its new name
        for override in PolicyOverride.objects.filter(policy_year=year, kind=PolicyOverrideKind.CLAUSE):
            if isinstance(override.value, dict) and override.value.get("document") == old_title:
                override.value = {**override.value, "document": new_title}
                override.updated_by, override._history_user = user, user
                override.save()
    record.document_title = new_title
    record._history_user = user
    record.save()
    return record


def policy_year_check(year: int) -> list[str]:
    """Every problem that stops a year from being published: each rule must load with the year's
    current data (Chinese messages naming the rule or the value)."""
    from .selectors import invalid_overrides

    problems = [f"修改“{o.name}”未通过校验" for o in invalid_overrides(year)]
    data = policy_data(year)
    for rule_id in year_rule_ids(year):
        try:
            registry.bind_rules(year, [rule_id], data)
        except (PolicyDataError, registry.UnknownRule) as exc:
            problems.append(str(exc))
    return problems


@transaction.atomic
def policy_year_publish(*, user: User, year: int, effective_from: date) -> PolicyYear:
    """Publish a draft from `effective_from` (midnight Asia/Shanghai): by a district user who did
    not open or edit it (maker-checker), after every rule of the year validates. Read-only after."""
    from django.utils import timezone

    _district(user)
    record = PolicyYear.objects.select_for_update().filter(year=year).first()
    if record is None or not record.is_draft:
        raise ValidationError({"year": YEAR_NOT_DRAFT.format(year=year)})
    if effective_from is None:
        raise ValidationError({"effective_from": YEAR_NEEDS_DATE})
    if user.pk in policy_year_editors(record):
        raise PermissionDenied(YEAR_SAME_EDITOR.format(year=year))
    problems = policy_year_check(year)
    if problems:
        raise ValidationError({"year": YEAR_INVALID.format(year=year, error="；".join(problems))})
    record.status = PolicyYearStatus.PUBLISHED
    record.effective_from = effective_from
    record.published_by = user
    record.published_at = timezone.now()
    record._history_user = user
    record.save()
    _held_years_changed()
    return record
