"""Proofs uploaded through the portal: polyglots (an image or PDF that is also a web page or a
script) and spreadsheet bombs are refused with a message naming the file, and nothing is stored."""

import struct
import zlib

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiading_union import spreadsheets
from projects.models import Attachment
from projects.services import attachments
from projects.services.submission import application_submit
from tests.files import JPEG, PDF, PNG, shared_strings_bomb, xlsx
from tests.projects.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """PNG with an extra chunk before IEND (the last 12 bytes)."""
    return PNG[:-12] + png_chunk(kind, data) + PNG[-12:]


def jpeg_with_thumbnail() -> bytes:
    """A JPEG whose APP1 segment holds a whole thumbnail JPEG (its own FFD9 inside)."""
    thumbnail = b"Exif\x00\x00" + JPEG
    return JPEG[:2] + b"\xff\xe1" + struct.pack(">H", len(thumbnail) + 2) + thumbnail + JPEG[2:]


@pytest.fixture
def application(member):
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        return application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
        )


@pytest.fixture
def upload(client, member, application):
    assert client.login(username=member.card_number, password=PASSWORD)

    def post(name: str, content: bytes) -> str:
        response = client.post(
            reverse("projects:my_application_attach", args=[application.reference]),
            {"kind": "other", "file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert response.status_code == 200
        return response.content.decode()

    return post


def stored_files(settings) -> list:
    media = settings.MEDIA_ROOT / "attachments"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    "name, content",
    [
        ("证明.png", PNG),
        ("证明.jpg", JPEG),
        ("证明.pdf", PDF),
        ("证明.pdf", PDF + b"\r\n  \n"),
        ("照片.jpg", jpeg_with_thumbnail()),
        ("照片.png", png_with_chunk(b"tEXt", b"Comment\x00scanned at the office")),
        ("名册.xlsx", xlsx(("张三", "是"), header=("姓名", "正常缴纳社保(是/否)"))),
    ],
    ids=["png", "jpeg", "pdf", "pdf-trailing-whitespace", "jpeg-with-thumbnail", "png-with-text", "xlsx"],
)
def test_well_formed_files_are_accepted(upload, name, content):
    page = upload(name, content)
    assert "材料已上传。" in page
    assert Attachment.objects.get().original_name == name


@pytest.mark.parametrize(
    "name, content",
    [
        ("身份证.png", PNG + PHP),  # PNG+PHP: the script after IEND
        ("收入证明.pdf", PDF + HTML),  # PDF+HTML: the page after %%EOF
        ("照片.jpg", JPEG + b"PK\x03\x04" + b"\x00" * 200),  # an archive after EOI
        ("照片.jpg", jpeg_with_thumbnail() + b"\x00\x00"),  # ends after the thumbnail's FFD9, not the image's
    ],
    ids=["png+php", "pdf+html", "jpeg+zip", "jpeg+padding"],
)
def test_data_after_the_end_of_an_image_or_pdf_is_refused(upload, settings, name, content):
    page = upload(name, content)
    assert attachments.TRAILING_DATA.format(name=name) in page
    assert not Attachment.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    "name, content",
    [
        ("身份证.png", png_with_chunk(b"tEXt", b"Comment\x00" + PHP)),  # well-formed, script in a text chunk
        ("身份证.png", png_with_chunk(b"tEXt", b"Comment\x00<SVG onload=alert(1)>")),
        ("收入证明.pdf", PDF.replace(b"1 0 obj<<>>", b"1 0 obj<</T(<ScRiPt>alert(1)</script>)>>")),
        ("收入证明.pdf", PDF.replace(b"1 0 obj<<>>", b"1 0 obj<</T(<!doctype HTML>)>>")),
        ("照片.jpg", JPEG[:2] + b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML + JPEG[2:]),  # a JPEG comment
    ],
    ids=["png-php-text", "png-svg-text", "pdf-script", "pdf-doctype", "jpeg-html-comment"],
)
def test_web_page_or_script_markers_are_refused(upload, settings, name, content):
    page = upload(name, content)
    assert attachments.ACTIVE_CONTENT.format(name=name) in page
    assert not Attachment.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    "content",
    [PNG[:-12], PNG[:30], JPEG[:-2], PDF.replace(b"%%EOF", b"")],
    ids=["png-without-iend", "png-cut-in-a-chunk", "jpeg-without-eoi", "pdf-without-eof"],
)
def test_truncated_files_are_refused_as_damaged(upload, content):
    name = (
        "证明.png" if content.startswith(b"\x89PNG") else "证明.jpg" if content.startswith(b"\xff\xd8") else "证明.pdf"
    )
    assert attachments.DAMAGED.format(name=name) in upload(name, content)
    assert not Attachment.objects.exists()


def test_an_xlsx_bomb_is_refused_as_a_proof(upload, settings):
    bomb = shared_strings_bomb(xlsx(("张三",), header=("姓名",)), 300 * 1024 * 1024)  # 0.8 MB -> 300 MB
    page = upload("名册.xlsx", bomb)
    assert spreadsheets.PART_TOO_LARGE.format(name="名册.xlsx", limit="100") in page
    assert not Attachment.objects.exists() and stored_files(settings) == []
