"""Fill English msgstr from tools/en_glossary.json, then compile .mo.

Usage: python tools/po_fill.py  (after `make messages`). Untranslated entries are listed.
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
        entry.msgstr = glossary[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    elif not entry.msgstr:
        missing.append(entry.msgid)
po.save(str(PO))
po.save_as_mofile(str(PO.with_suffix(".mo")))
if missing:
    print("untranslated:", *missing, sep="\n  ")
    sys.exit(1)
