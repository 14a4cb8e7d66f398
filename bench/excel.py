"""Benchmark: Excel in and out at scale on PostgreSQL (issue 16, Measures).

Import: a 50,000-member roster (.xlsx), through the admin's django-import-export path with full
validation and a dry-run preview first (members/imports.MemberResource.import_data, dry run then
import: jiading_union/imports.py underneath), against, in the same run,
(a) raw openpyxl read-only + bulk_create of the same file (the baseline; target: ≤ 1.0×) and
(b) a default django-import-export ModelResource import of it (target: ours ≥ 5× faster).
Export: 100,000 applications through the admin's django-import-export Resource.export and Format
(jiading_union/resources.py → exports.py) against plain
openpyxl write-only writing the same rows (target ≤ 1.2×), with peak memory (target < 150 MB)
and the query count at two sizes (target: the same).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/excel.py \
        [--members 50000] [--applications 100000] [--resource-rows 50000] [--keep NAME] [--only import|export]

Creates and drops its own database (unless --keep), named BENCH_DATABASE_PREFIX (default bench_excel)
plus a random suffix. Every import runs inside a transaction that is
rolled back, so each variant starts from the same database. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Rollback(Exception):
    pass


def timed_in_rollback(fn):
    from django.db import transaction

    started = time.perf_counter()
    result = None
    try:
        with transaction.atomic():
            result = fn()
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, result


def roster_file(count: int) -> bytes:
    from openpyxl import Workbook

    from members import imports as roster
    from members.identity import id_check_char
    from members.models import Organisation

    units = list(Organisation.objects.filter(level="grassroots").values_list("code", flat=True)[:200])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员名册")
    sheet.append([c.header for c in roster.member_roster.columns])
    for n in range(count):
        # distinct per row: n // 1000 in the region's last digits, n % 1000 as the sequence
        first17 = f"3101{n // 1000:02d}{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        id_number = first17 + id_check_char(first17)
        sheet.append(
            [
                f"职工{n}",
                id_number,
                f"{3900000000 + n}",
                f"17{n:09d}",
                units[n % len(units)],
                None,
                "在职职工",
                None,
                date(2020, 1 + n % 12, 1),
                None,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def raw_openpyxl_import(data: bytes) -> int:
    """The baseline: openpyxl read-only, one Member per row (derived fields from the ID), bulk_create."""
    from openpyxl import load_workbook

    from members.models import Member, Organisation

    units = {o.code: o for o in Organisation.objects.filter(level="grassroots")}
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    next(rows)
    batch, count = [], 0
    for row in rows:
        name, id_number, card, phone, unit, _street, _kind, _industry, joined, _issued = (*row, *[None] * 10)[:10]
        organisation = units[unit]
        batch.append(
            Member(
                name=name,
                id_number=id_number,
                id_number_last4=id_number[-4:],
                birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
                sex="M" if int(id_number[16]) % 2 else "F",
                card_number=card,
                phone=phone,
                organisation=organisation,
                street_id=organisation.street_id,
                joined_union_on=joined.date() if joined else None,
            )
        )
        if len(batch) == 2000:
            Member.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Member.objects.bulk_create(batch)
    workbook.close()
    return count + len(batch)


def ours_import(data: bytes, user) -> tuple[float, float, int]:
    """The admin's path: django-import-export's Format.create_dataset and Resource.import_data, a dry
    run then the import (members/imports.MemberResource: our engine underneath)."""
    from jiading_union.resources import XLSX
    from members.imports import MemberResource

    started = time.perf_counter()
    resource = MemberResource(user=user)
    preview = resource.import_data(XLSX().create_dataset(data), dry_run=True, user=user, file_name="bench.xlsx")
    checked = time.perf_counter() - started
    assert not preview.has_errors() and not preview.has_validation_errors(), preview.outcome.errors[:5]
    result = resource.import_data(XLSX().create_dataset(data), dry_run=False, user=user, file_name="bench.xlsx")
    assert result.outcome.saved, result.outcome.errors[:5]
    return checked, time.perf_counter() - started, result.totals["new"]


def resource_import(data: bytes, rows: int) -> int:
    """A default ModelResource (field names as headers, the unit by pk), as the issue's anchor."""
    import tablib
    from import_export import resources
    from openpyxl import load_workbook

    from members.models import Member, Organisation
    from members.services import member_fill_derived

    units = dict(Organisation.objects.filter(level="grassroots").values_list("code", "pk"))
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    source = workbook.worksheets[0].iter_rows(values_only=True)
    next(source)
    dataset = tablib.Dataset(headers=["name", "id_number", "card_number", "phone", "organisation"])
    for n, row in enumerate(source):
        if n >= rows:
            break
        dataset.append([row[0], row[1], row[2], row[3], units[row[4]]])

    class MemberResource(resources.ModelResource):
        class Meta:
            model = Member
            fields = ("name", "id_number", "card_number", "phone", "organisation")
            import_id_fields = ("id_number",)

        def before_save_instance(self, instance, row, **kwargs):
            member_fill_derived(instance)

    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    return result.totals["new"]


def run_import(members: int, resource_rows: int) -> None:
    from members.models import User

    user = User.objects.get(username="district")
    data = roster_file(members)
    print(f"roster: {members:,} rows, {len(data) / 1024 / 1024:.1f} MB")
    raw_time, raw_count = timed_in_rollback(lambda: raw_openpyxl_import(data))
    ours_time, (checked, total, created) = timed_in_rollback(lambda: ours_import(data, user))
    assert raw_count == created == members, (raw_count, created)
    print(f"raw openpyxl read-only + bulk_create: {raw_time:7.2f} s (baseline)")
    print(
        f"ours, preview + import (full checks, history rows): {ours_time:7.2f} s  (x{ours_time / raw_time:.2f} baseline;"
        f" preview alone {checked:.2f} s)  {'PASS' if ours_time <= raw_time else 'FAIL'} (≤ 1.0x)"
    )
    if resource_rows:
        res_time, res_count = timed_in_rollback(lambda: resource_import(data, resource_rows))
        scaled = res_time * members / resource_rows
        note = "" if resource_rows == members else f" ({resource_rows:,} rows, scaled to {members:,})"
        print(
            f"default ModelResource import: {scaled:7.2f} s{note}  (x{scaled / raw_time:.2f} baseline; "
            f"ours {scaled / ours_time:.1f}x faster)  {'PASS' if scaled >= 5 * ours_time else 'FAIL'} (≥ 5x)"
        )


def run_export_child(kind: str, limit: int) -> None:
    """One export in this (fresh) process: prints seconds, peak RSS growth and queries."""
    import django

    django.setup()
    from django.contrib import admin
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jiading_union.exports import changelist_queryset, columns_for
    from members.models import User
    from projects.models import Application

    user = User.objects.get(username="district")
    model_admin = admin.site._registry[Application]
    request = RequestFactory().get("/")
    request.user = user
    queryset = changelist_queryset(model_admin, request)
    if limit:
        queryset = queryset.filter(pk__in=list(Application.objects.order_by("pk").values_list("pk", flat=True)[:limit]))
    columns = columns_for(model_admin, request)
    list(Application.objects.values_list("pk")[:1])  # connect first: not part of either figure
    start_rss = rss_mb()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, tempfile.TemporaryFile() as out:
        if kind == "ours":  # the admin's path: its django-import-export Resource.export, Format writes
            resource_class = model_admin.get_export_resource_classes(request)[0]
            resource = resource_class(**model_admin.get_export_resource_kwargs(request))
            count = resource.export(queryset=queryset).write(out)
        else:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("申请")
            sheet.append([c.header for c in columns])
            count = 0
            tz = timezone.get_current_timezone()
            for row in queryset.values_list(*[c.path for c in columns]).iterator(chunk_size=5000):
                sheet.append(
                    [v.astimezone(tz).replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v for v in row]
                )
                count += 1
            workbook.save(out)
    elapsed = time.perf_counter() - started
    print(f"{elapsed} {peak_mb() - start_rss} {len(queries)} {count}")


def export_measure(kind: str, env, limit: int = 0) -> tuple[float, float, int, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--_export", kind, str(limit)], cwd=ROOT, env=env, check=True, capture_output=True
    )
    seconds, memory, queries, count = out.stdout.decode().split()[-4:]
    return float(seconds), float(memory), int(queries), int(count)


def run_export(env) -> None:
    plain = export_measure("plain", env)
    ours = export_measure("ours", env)
    small = export_measure("ours", env, limit=1000)
    print(f"plain openpyxl write-only: {plain[0]:7.2f} s, peak +{plain[1]:.0f} MB, {plain[3]:,} rows (baseline)")
    print(
        f"ours (labels, masking, escaping, formats): {ours[0]:7.2f} s (x{ours[0] / plain[0]:.2f} baseline) "
        f"{'PASS' if ours[0] <= 1.2 * plain[0] else 'FAIL'} (≤ 1.2x); peak +{ours[1]:.0f} MB "
        f"{'PASS' if ours[1] < 150 else 'FAIL'} (< 150 MB)"
    )
    print(
        f"queries: {small[2]} for {small[3]:,} rows, {ours[2]} for {ours[3]:,} rows "
        f"{'PASS' if small[2] == ours[2] else 'FAIL'} (independent of the row count)"
    )


def main() -> int:
    import psycopg2
    from admin_changelist import with_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--resource-rows", type=int, default=50_000, help="0: skip the ModelResource import")
    parser.add_argument("--keep", help="reuse/keep this database name (skip seeding if it exists)")
    parser.add_argument("--only", choices=("import", "export"), help="run one half")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "bench_excel")
    name = args.keep or f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(with_database(server, "postgres"))
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    fresh = cursor.fetchone() is None
    if fresh:
        cursor.execute(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": with_database(server, name),
        "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base",
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    try:
        if fresh:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run(
                [sys.executable, "manage.py", "seed_demo", "--members", "2000"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "admin_changelist.py"), "--_seed", str(args.applications)],
                cwd=ROOT,
                env=env,
                check=True,
            )
        if args.only != "export":
            subprocess.run(
                [sys.executable, __file__, "--_import", str(args.members), str(args.resource_rows)],
                cwd=ROOT,
                env=env,
                check=True,
            )
        if args.only != "import":
            run_export(env)
        return 0
    finally:
        if not args.keep:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--_import":
        import django

        django.setup()
        run_import(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    if len(sys.argv) >= 2 and sys.argv[1] == "--_export":
        run_export_child(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
