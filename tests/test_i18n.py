"""The English catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert po == mo, "run `make messages` (or python tools/po_fill.py) and commit the .mo"
