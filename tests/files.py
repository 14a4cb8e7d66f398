"""Small, well-formed files for upload tests (built here, no binary fixtures), and the bad ones:
polyglots and zip bombs."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    """A 1x1 grey PNG: signature, IHDR, IDAT, IEND."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + _png_chunk(b"IEND", b"")
    )


def _segment(marker: int, data: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg() -> bytes:
    """A 1x1 grey baseline JPEG: one block whose DC and AC codes are both a single 0 bit."""
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + b"\x01" * 64),
            _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"),
            _segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00"),  # DC table 0: one code, category 0
            _segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00"),  # AC table 0: one code, end of block
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",  # DC 0, EOB, padded with ones
            b"\xff\xd9",
        ]
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = png()
JPEG = jpeg()


def xlsx(*rows, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def write_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of (name, deflated bytes, declared unpacked size, CRC) entries, written by hand
    so a test can declare whatever it likes."""
    out, directory = io.BytesIO(), []
    for name, raw, size, crc in entries:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            _LOCAL.pack(
                b"PK\x03\x04", 20, 0, 0x800, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, crc, len(raw), size, len(encoded), 0
            )
            + encoded
            + raw
        )
        directory.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                20,
                3,
                20,
                0,
                0x800,
                zipfile.ZIP_DEFLATED,
                0,
                _DOS_DATE,
                crc,
                len(raw),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), out.tell() - start, start, 0))
    return out.getvalue()


def shared_strings_bomb(workbook: bytes, unpacked_bytes: int, *, declared_bytes: int | None = None) -> bytes:
    """The workbook with a shared-strings table of ``unpacked_bytes`` of tiny strings (the table
    openpyxl holds in memory, one object per string) — the shape of the 1.5 MB roster that took
    3.1 GB. One deflated megabyte is repeated (full flush), so even a gigabyte builds in about a
    second. ``declared_bytes``: the size its directory entry claims, if it should lie."""
    unit = b"<si><t>ab</t></si>"
    block = unit * (1024 * 1024 // len(unit))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    head += compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(b"</sst>") + compressor.flush()
    repeats = max(1, unpacked_bytes // len(block))
    raw = head + body * repeats + tail
    inflated = zlib.decompressobj(-zlib.MAX_WBITS)
    size, crc, rest = 0, 0, raw
    while rest:  # the true size and CRC, a megabyte at a time
        chunk = inflated.decompress(rest, 4 * 1024 * 1024)
        rest = inflated.unconsumed_tail
        size, crc = size + len(chunk), zlib.crc32(chunk, crc)
    entries = []
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        for item in source.infolist():
            if item.filename == "xl/sharedStrings.xml":
                continue
            data = source.read(item)
            if item.filename == "[Content_Types].xml" and b"sharedStrings" not in data:
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            entries.append((item.filename, _deflate(data), len(data), zlib.crc32(data)))
    entries.append(("xl/sharedStrings.xml", raw, size if declared_bytes is None else declared_bytes, crc))
    return write_zip(entries)
