"""Proofs uploaded with an application: type checked by content, size capped,
stored under a random name outside static, served only through a view that
checks who may see the application.

Polyglots (a PNG that is also a PHP script, a PDF that is also a web page) are refused:
an image or PDF must end where its format says it ends (PNG: the IEND chunk; JPEG: the EOI
marker; PDF: the last %%EOF, then only whitespace), and no file may carry an obvious
web-page or script marker in its first or last 8 KB. An .xlsx is checked like every
spreadsheet the project reads (jiading_union.spreadsheets: unpacked size, ratio, parts)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from jiading_union.admin import is_district
from jiading_union.spreadsheets import SpreadsheetError, check_xlsx
from members.models import User
from projects.models import Application, Attachment, AttachmentKind

from .errors import ApplicationError

PDF, JPEG, PNG, XLSX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
# Detected type -> stored extension. Only these are accepted, whatever the file is called.
ALLOWED_TYPES = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", XLSX: ".xlsx"}
WRONG_TYPE = "“{name}”不是可接受的文件类型：请上传 PDF、JPG、PNG 图片或 Excel（xlsx）文件。"
TOO_LARGE = "“{name}”超过 {limit} MB，请压缩后再上传。"
EMPTY = "“{name}”是空文件。"
DAMAGED = "“{name}”已损坏或不完整：请重新导出（或另存）后再上传。"
TRAILING_DATA = (
    "“{name}”在图片或 PDF 的结尾之后还夹带了其他数据，不能作为材料上传："
    "请用看图软件或 PDF 阅读器另存（或重新导出）后再上传。"
)
ACTIVE_CONTENT = (
    "“{name}”中含有网页或脚本代码（HTML、SVG、PHP 等），不能作为材料上传："
    "请上传原始的 PDF、JPG、PNG 图片或 Excel（xlsx）文件。"
)
UNKNOWN_KIND = "未知的材料类型：{kind}。"
ROSTER_UNMASKABLE = "名册“{name}”无法读取，不能生成隐去身份证号码的副本：请联系区总工会。"
MASKED_SUFFIX = "（身份证号已隐去）"


@dataclass(frozen=True)
class AttachmentUpload:
    kind: str
    file: UploadedFile


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


# Where the bytes of a well-formed file end; None when the structure is broken.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
MARKER_WINDOW = 8 * 1024
# Case-insensitive, each followed by what a browser or PHP needs after it (so random bytes of a
# compressed image almost never match by chance).
ACTIVE_MARKERS = re.compile(rb"<\?php\s|<script[\s>/]|<html[\s>]|<!doctype\s+html[\s>]|<svg[\s>/]", re.IGNORECASE)


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk (length, type, data, CRC), walking the chunks."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        end = at + 12 + length
        if length >= 2**31 or end > len(data):
            return None
        if data[at + 4 : at + 8] == b"IEND":
            return end
        at = end
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker (FFD9) that ends the image, walking the segments and
    skipping entropy-coded data (so an EOI inside an embedded thumbnail does not count)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    at, size = 2, len(data)
    while at < size:
        if data[at] != 0xFF:
            return None
        while at < size and data[at] == 0xFF:  # fill bytes before a marker
            at += 1
        if at >= size:
            return None
        marker = data[at]
        at += 1
        if marker == 0xD9:
            return at
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if at + 2 > size:
            return None
        length = int.from_bytes(data[at : at + 2], "big")
        if length < 2:
            return None
        at += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                at = data.find(b"\xff", at)
                if at < 0 or at + 1 >= size:
                    return None
                following = data[at + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
                    at += 2
                elif following == 0xFF:
                    at += 1
                else:
                    break
    return None


def _pdf_end(data: bytes) -> int | None:
    """Offset just past the last %%EOF."""
    at = data.rfind(b"%%EOF")
    return None if at < 0 else at + len(b"%%EOF")


def _check_structure(name: str, content_type: str, data: bytes) -> None:
    if content_type == XLSX:
        try:
            check_xlsx(data, name=name)
        except SpreadsheetError as exc:
            raise ApplicationError(exc.message, field="attachments") from None
        return
    end = {PNG: _png_end, JPEG: _jpeg_end, PDF: _pdf_end}[content_type](data)
    if end is None:
        raise ApplicationError(DAMAGED.format(name=name), field="attachments")
    rest = data[end:]
    if rest and (content_type != PDF or rest.strip(PDF_WHITESPACE)):
        raise ApplicationError(TRAILING_DATA.format(name=name), field="attachments")


def inspect_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, sha256) of an acceptable upload, or ApplicationError naming the file."""
    name = upload.name or "文件"
    if upload.size == 0:
        raise ApplicationError(EMPTY.format(name=name), field="attachments")
    if upload.size > max_bytes():
        raise ApplicationError(TOO_LARGE.format(name=name, limit=max_bytes() // (1024 * 1024)), field="attachments")
    upload.seek(0)
    data = upload.read()  # at most max_bytes()
    upload.seek(0)
    guessed = filetype.guess(data[:8192])
    if guessed is None or guessed.mime not in ALLOWED_TYPES:
        raise ApplicationError(WRONG_TYPE.format(name=name), field="attachments")
    _check_structure(name, guessed.mime, data)
    if ACTIVE_MARKERS.search(data[:MARKER_WINDOW]) or ACTIVE_MARKERS.search(data[-MARKER_WINDOW:]):
        raise ApplicationError(ACTIVE_CONTENT.format(name=name), field="attachments")
    return guessed.mime, hashlib.sha256(data).hexdigest()


class StoredFiles:
    """Deletes the files stored inside it if the block raises, so a refused or
    failed submission (the database rolls back) leaves no orphan on disk."""

    def __init__(self):
        self.attachments: list[Attachment] = []

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            for attachment in self.attachments:
                attachment.file.storage.delete(attachment.file.name)


def store_attachments(
    *, application: Application, user: User, uploads: Sequence[AttachmentUpload], files: StoredFiles | None = None
) -> list[Attachment]:
    stored: list[Attachment] = []
    for upload in uploads:
        if upload.kind not in AttachmentKind.values:
            raise ApplicationError(UNKNOWN_KIND.format(kind=upload.kind), field="attachments")
        content_type, sha256 = inspect_upload(upload.file)
        attachment = Attachment(
            application=application,
            kind=upload.kind,
            original_name=(upload.file.name or "upload")[-200:],
            content_type=content_type,
            size=upload.file.size,
            sha256=sha256,
            uploaded_by=user,
        )
        attachment.file.save(f"upload{ALLOWED_TYPES[content_type]}", upload.file, save=False)
        if files is not None:
            files.attachments.append(attachment)
        attachment.save()
        stored.append(attachment)
    return stored


@dataclass(frozen=True)
class MaskedCopy:
    content: bytes
    filename: str


def masked_copy_for(*, user: User, attachment: Attachment) -> MaskedCopy | None:
    """What ``user`` downloads instead of the stored file, or None for the stored file itself.
    A roster workbook lists workers' ID numbers, which only district staff see in full (as in the
    admin): anyone else gets the workbook regenerated with every ID number masked."""
    if attachment.kind != AttachmentKind.ROSTER or attachment.content_type != XLSX or is_district(user):
        return None
    from projects.sanitation.roster import masked_roster

    with attachment.file.open("rb") as file:
        try:
            content = masked_roster(file, name=attachment.original_name)
        except SpreadsheetError:
            raise ApplicationError(ROSTER_UNMASKABLE.format(name=attachment.original_name)) from None
    stem, dot, suffix = attachment.original_name.rpartition(".")
    filename = f"{stem}{MASKED_SUFFIX}.{suffix}" if dot and stem else f"{attachment.original_name}{MASKED_SUFFIX}"
    return MaskedCopy(content, filename)
