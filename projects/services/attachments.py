"""Proofs uploaded with an application: type checked by content, size capped,
stored under a random name outside static, served only through a view that
checks who may see the application."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from members.models import User
from projects.models import Application, Attachment, AttachmentKind

from .errors import ApplicationError

# Detected type -> stored extension. Only these are accepted, whatever the file is called.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
WRONG_TYPE = "“{name}”不是可接受的文件类型：请上传 PDF、JPG、PNG 图片或 Excel（xlsx）文件。"
TOO_LARGE = "“{name}”超过 {limit} MB，请压缩后再上传。"
EMPTY = "“{name}”是空文件。"
UNKNOWN_KIND = "未知的材料类型：{kind}。"


@dataclass(frozen=True)
class AttachmentUpload:
    kind: str
    file: UploadedFile


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def inspect_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, sha256) of an acceptable upload, or ApplicationError naming the file."""
    name = upload.name or "文件"
    if upload.size == 0:
        raise ApplicationError(EMPTY.format(name=name), field="attachments")
    if upload.size > max_bytes():
        raise ApplicationError(TOO_LARGE.format(name=name, limit=max_bytes() // (1024 * 1024)), field="attachments")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is None or guessed.mime not in ALLOWED_TYPES:
        raise ApplicationError(WRONG_TYPE.format(name=name), field="attachments")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return guessed.mime, digest.hexdigest()


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


def store_attachments(*, application: Application, user: User, uploads: Sequence[AttachmentUpload],
                      files: StoredFiles | None = None) -> list[Attachment]:
    stored: list[Attachment] = []
    for upload in uploads:
        if upload.kind not in AttachmentKind.values:
            raise ApplicationError(UNKNOWN_KIND.format(kind=upload.kind), field="attachments")
        content_type, sha256 = inspect_upload(upload.file)
        attachment = Attachment(
            application=application, kind=upload.kind, original_name=(upload.file.name or "upload")[-200:],
            content_type=content_type, size=upload.file.size, sha256=sha256, uploaded_by=user,
        )
        attachment.file.save(f"upload{ALLOWED_TYPES[content_type]}", upload.file, save=False)
        if files is not None:
            files.attachments.append(attachment)
        attachment.save()
        stored.append(attachment)
    return stored
