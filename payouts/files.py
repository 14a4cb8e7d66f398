"""Payment files: for each batch and route, an .xlsx and a CSV the payer's bank or the card issuer
can load (a detail sheet, then totals per payer and per route on the summary sheet).

The full ID number is written into the file only (the payer's bank needs it); screens show the
masked one. Rows stream from the database into openpyxl's write-only workbook, so memory stays flat
whatever the batch's size. Each file is recorded once (PaymentFile: batch × route × kind unique)
with its SHA-256; a task that dies halfway writes the missing ones again.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from openpyxl import Workbook

from subsidies.rules.core import PAYER_LABELS

from .models import Payment, PaymentFile, PaymentFileKind, PaymentRoute, PayoutBatch

HEADER = (
    "给付编号",
    "申请编号",
    "会员服务卡号",
    "收款人",
    "身份证号码",
    "金额（元）",
    "给付途径",
    "出资方",
    "回单流水号",
)
SUMMARY_SHEET, DETAIL_SHEET = "汇总", "明细"
ROW_FIELDS = (
    "pk",
    "application__reference",
    "application__applicant_member__card_number",
    "application__applicant_member__name",
    "application__applicant_organisation__name",
    "application__applicant_member__id_number",
    "amount",
    "payer",
)


def file_rows(batch: PayoutBatch, route: str):
    """The file's rows, streamed (ordered by payer, then application)."""
    labels = PAYER_LABELS  # keyed by StrEnum members, which look up as their plain codes
    route_label = str(PaymentRoute(route).label)
    rows = (
        Payment.objects.filter(batch=batch, route=route)
        .order_by("payer", "application_id")
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=5000)
    )
    for pk, reference, card, member_name, organisation_name, id_number, amount, payer in rows:
        yield (
            f"ZF{pk:010d}",
            reference or "",
            card or "",
            member_name or organisation_name or "",
            id_number or "",
            amount,
            route_label,
            labels.get(payer, payer),
            "",
        )


def write_files(batch: PayoutBatch, route: str, xlsx_path: Path, csv_path: Path) -> tuple[int, Decimal]:
    """Write the route's .xlsx and CSV in one pass over the rows. Returns (rows, total)."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY_SHEET)
    detail = workbook.create_sheet(DETAIL_SHEET)
    detail.append(HEADER)
    per_payer: dict[str, list] = defaultdict(lambda: [0, Decimal("0.00")])
    count, total = 0, Decimal("0.00")
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(HEADER)
        for row in file_rows(batch, route):
            detail.append(row)
            writer.writerow(row)
            count += 1
            total += row[5]
            per_payer[row[7]][0] += 1
            per_payer[row[7]][1] += row[5]
    summary.append(("给付批次", batch.reference))
    summary.append(("给付途径", str(PaymentRoute(route).label)))
    summary.append(())
    summary.append(("出资方", "笔数", "金额（元）"))
    for payer, (n, amount) in sorted(per_payer.items()):
        summary.append((payer, n, amount))
    summary.append(("本文件合计", count, total))
    summary.append(())
    summary.append(("全批次按给付途径", "笔数", "金额（元）"))
    labels = dict(PaymentRoute.choices)
    by_route = batch.payments.values_list("route").annotate(n=Count("pk"), s=Sum("amount")).order_by("route")
    for code, n, amount in by_route:
        summary.append((str(labels.get(code, code)), n, amount))
    workbook.save(xlsx_path)
    return count, total


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fp:
        for block in iter(lambda: fp.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def payment_files_make(*, batch_id: int) -> list[PaymentFile]:
    """Every route's files for the batch, those not made yet; payments point at their route's .xlsx."""
    batch = PayoutBatch.objects.get(pk=batch_id)
    routes = list(batch.payments.values_list("route", flat=True).distinct().order_by("route"))
    made = []
    for route in routes:
        if PaymentFile.objects.filter(batch=batch, route=route).count() == len(PaymentFileKind.values):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            xlsx_path, csv_path = Path(tmp) / "file.xlsx", Path(tmp) / "file.csv"
            rows, total = write_files(batch, route, xlsx_path, csv_path)
            try:
                with transaction.atomic():
                    files = {}
                    for kind, path in ((PaymentFileKind.XLSX, xlsx_path), (PaymentFileKind.CSV, csv_path)):
                        record = PaymentFile(
                            batch=batch, route=route, kind=kind, sha256=_sha256(path), rows=rows, total=total
                        )
                        with open(path, "rb") as fp:
                            record.file.save(f"{batch.reference}-{route}.{kind}", File(fp), save=False)
                        record.save()
                        files[kind] = record
                    batch.payments.filter(route=route).update(file=files[PaymentFileKind.XLSX])
                    made.extend(files.values())
            except IntegrityError:  # another run of the task recorded them first
                continue
    return made


def read_back(record: PaymentFile) -> bytes:
    with record.file.open("rb") as fp:
        return fp.read()
