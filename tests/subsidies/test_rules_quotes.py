"""Citations quote the document only (issue 11): no words of ours inside a quote. Our readings live in
the rules' interpretations (docs/rules.md) and in comments beside the data, never in `quote`."""

import re
from pathlib import Path

import pytest

from subsidies.rules.data import available_years, load_policy_data

# Words that only we write: a note about what the document lacks, or how we read it.
OUR_WORDS = re.compile(r"文件未|docs/rules|沿用|理解|区总确定|含本数|视为|列为|原文作|见 |（注|标题下")


def all_clauses():
    for year in available_years():
        data = load_policy_data(year)
        for name in (*data.params, *data.tables, *data.clauses):
            yield year, name, data.clause(name)


CLAUSES = list(all_clauses())


@pytest.mark.parametrize("year, name, clause", CLAUSES, ids=[f"{y}-{n}" for y, n, _ in CLAUSES])
def test_a_quote_holds_no_words_of_ours(year, name, clause):
    if clause.document in ("operations", "issue"):  # our own operating limits and external data: not a quote
        return
    assert not OUR_WORDS.search(clause.quote), clause.quote


SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
DOCUMENT_FILES = {"2019": "001_d9e378a28ad2aeb1.txt", "2021": "000_8c322b3869c77259.txt"}
# Tables whose quote joins a printed table's headings and cells in one line (the rows themselves are the data).
TABLE_LAYOUTS = {
    "member_card_fees",
    "member_card_plan_benefits",
    "sanatorium_resort_rooms",
    "skill_promotion_amounts",
    "mentor_award_amounts",
    "skill_award_batches",
    "womens_holiday_class_grants",
    "womens_evening_class_grants",
}
WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def _plain(text: str) -> str:
    return re.sub(r"[\s*★☆●#\-]", "", text.translate(WIDTH))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the policy documents (../shared/seeds) are not beside the checkout")
def test_every_quote_is_found_in_its_document():
    documents = {key: _plain((SEEDS / file).read_text(encoding="utf-8")) for key, file in DOCUMENT_FILES.items()}
    missing = [
        (year, name, fragment)
        for year, name, clause in CLAUSES
        if clause.document in documents and name not in TABLE_LAYOUTS
        for fragment in clause.quote.split("…")
        if _plain(fragment) and _plain(fragment) not in documents[clause.document]
    ]
    assert missing == []
