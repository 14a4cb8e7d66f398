"""The English catalogue is complete and its compiled .mo matches the .po."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert po == mo, "run `make messages` (or python tools/po_fill.py) and commit the .mo"


def _copy_of_the_sources(target: Path) -> None:
    root = PO.parents[3]
    skip = shutil.ignore_patterns(".git", ".venv*", "var", "node_modules", "__pycache__", "*.sqlite3", "*.mo")
    for item in root.iterdir():
        # Only what makemessages reads: no virtualenv, no local database (a demo one is hundreds of MB).
        if item.name.startswith(".") or item.name in ("var", "tests", "bench") or item.suffix == ".sqlite3":
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=skip)
        else:
            shutil.copy2(item, target / item.name)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (apt-get install gettext); CI installs it")
def test_catalogue_holds_every_message_of_the_code_and_no_other(tmp_path):
    """`make messages` on a copy of the sources finds exactly the committed catalogue's messages.

    A string added to a template or a module without running `make messages` shows in English
    as Chinese (no entry) — this is the test that catches it.
    """
    _copy_of_the_sources(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--ignore=.venv", "--ignore=var"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jiading_union.settings.test"},
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / PO.relative_to(PO.parents[3])))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(m for _, m in fresh - committed) == [], "new messages: run `make messages` and fill the glossary"
    assert sorted(m for _, m in committed - fresh) == [], "messages no longer in the code: run `make messages`"
