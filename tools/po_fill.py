"""Fill English msgstr from tools/en_glossary.json, then compile .mo.

Usage: python tools/po_fill.py  (after `make messages`). Untranslated entries are listed.
A plural entry (msgid_plural) takes a list in the glossary, one string per plural form:
["%(counter)s station", "%(counter)s stations"].
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "tools" / "en_glossary.json"

glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))
po = polib.pofile(str(PO))
missing = []
for entry in po:
    if entry.msgid in glossary:
        value = glossary[entry.msgid]
        if entry.msgid_plural:
            if not isinstance(value, list):
                sys.exit(f"plural entry needs a list of forms in the glossary: {entry.msgid}")
            entry.msgstr_plural = dict(enumerate(value))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    elif entry.msgid_plural:
        if not (entry.msgstr_plural and all(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    elif not entry.msgstr or "fuzzy" in entry.flags:
        # A fuzzy entry is gettext's guess from a similar message: never trust it unreviewed.
        missing.append(entry.msgid)
po.save(str(PO))
po.save_as_mofile(str(PO.with_suffix(".mo")))
if missing:
    print("untranslated:", *missing, sep="\n  ")
    sys.exit(1)
