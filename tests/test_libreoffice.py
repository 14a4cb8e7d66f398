"""Every workbook the portal generates opens in LibreOffice (Debian's libreoffice-calc, headless) and
converts without error: each declared import's template, every admin list's export (through its
django-import-export Resource), the district reports and a payout batch's payment file.

One soffice run converts them all (a few seconds), with its own profile directory so two test
workers never share one. .ci/run installs libreoffice-calc; without soffice the test is skipped."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.contrib import admin
from django.test import RequestFactory

from jiading_union.admin_spreadsheets import SpreadsheetExportMixin
from jiading_union.imports import declared
from members.models import Member, StaffRole
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = pytest.mark.django_db


def generated_workbooks(tmp_path) -> dict[str, bytes]:
    from payouts.files import write_files
    from payouts.models import PayoutBatch
    from projects import reports

    district = DistrictFactory()
    unit = UnitFactory(parent=StreetFactory(parent=district))
    user = StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)
    MemberFactory(organisation=unit, street=unit.street, name="=1+2")
    files = {f"template-{key}.xlsx": spec.template() for key, spec in declared().items()}
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, SpreadsheetExportMixin):
            continue
        resource = model_admin.get_export_resource_classes(request)[0](
            **model_admin.get_export_resource_kwargs(request)
        )
        out = io.BytesIO()
        resource.export(queryset=model_admin.get_export_queryset(request)).write(out)
        files[f"export-{model._meta.label_lower}.xlsx"] = out.getvalue()
    for name, content in reports.every_report().items():
        files[f"report-{name}.xlsx"] = content
    batch = PayoutBatch.objects.create(reference="PB-LO-1", total=0, prepared_by=user)
    xlsx, csv = tmp_path / "payment.xlsx", tmp_path / "payment.csv"
    write_files(batch, "member_card", xlsx, csv)
    files["payment-file.xlsx"] = xlsx.read_bytes()
    return files


def test_libreoffice_opens_every_generated_workbook(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("libreoffice-calc is not installed (apt-get install libreoffice-calc; .ci/run does)")
    files = generated_workbooks(tmp_path)
    assert any(n.startswith("export-members.member") for n in files) and Member.objects.exists()
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name, content in files.items():
        (source / name).write_bytes(content)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "csv",
            "--outdir",
            str(out),
            *sorted(str(source / n) for n in files),
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    converted = {p.name for p in out.iterdir()}
    missing = [n for n in files if n.replace(".xlsx", ".csv") not in converted]
    assert not missing, (missing, result.stdout, result.stderr)
