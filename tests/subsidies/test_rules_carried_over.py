"""Numbers a 2021 document does not print: the latest printed values, said so (issue 11, readings settled).

One rule for all: every clause a 2021 rule cites from the 2019 document is a declared carry-over
(`carried_from = 2019` in the 2021 data), and its citation reads "沿用2019年标准"; nothing carries over
silently and nothing is copied by hand."""

import pytest

from subsidies.rules import registry
from subsidies.rules.data import PolicyDataError, load_policy_data

RULES_2021 = [rule for rule in registry.all_rules() if rule.policy_year == 2021]


@pytest.mark.parametrize("rule", RULES_2021, ids=lambda r: r.rule_id)
def test_a_2021_rule_cites_2019_only_as_a_declared_carry_over(rule):
    for name, clause in rule.clauses():
        if clause.document == "2019":
            assert clause.carried_from == 2019, name
            assert clause.citation.startswith("沿用2019年标准："), name
        else:
            assert clause.carried_from is None, name


# (2021 name, kind, 2019 name): each carried value is the 2019 value itself.
CARRIED = [
    ("patent_award_amount", "param", "patent_award_amount"),
    ("skill_certificate_issued_from", "param", "skill_certificate_issued_from"),
    ("singles_max_age", "param", "singles_max_age"),
    ("skill_promotion_amounts", "table", "skill_promotion_amounts"),
    ("mentor_award_amounts", "table", "mentor_award_amounts"),
    ("sanatorium_checkup_prices", "table", "sanatorium_checkup_plans_2019"),
]


@pytest.mark.parametrize("name, kind, source", CARRIED)
def test_carried_values_are_the_latest_printed_ones(name, kind, source):
    new, old = load_policy_data(2021), load_policy_data(2019)
    if kind == "param":
        assert new.value(name) == old.value(source)
    else:
        assert new.table(name).rows == old.table(source).rows
    assert new.clause(name).carried_from == 2019
    assert new.clause(name).quote == old.clause(source).quote  # the document's words, unchanged


def test_a_carried_value_is_overridable_like_any_2021_value():
    data = load_policy_data(2021).with_overrides(params={"patent_award_amount": "2500"})
    assert str(data.value("patent_award_amount")) == "2500.00"
    assert load_policy_data(2019).value("patent_award_amount") == 2000


def test_carrying_from_a_later_year_is_refused(tmp_path, monkeypatch):
    from subsidies.rules import data as data_module

    (tmp_path / "2019").mkdir()
    (tmp_path / "2019" / "x.toml").write_text("[params.x]\ncarried_from = 2021\n", encoding="utf-8")
    monkeypatch.setattr(data_module, "DATA_DIR", tmp_path)
    data_module.load_policy_data.cache_clear()
    try:
        with pytest.raises(PolicyDataError, match="更早的年度"):
            data_module.load_policy_data(2019)
    finally:
        monkeypatch.undo()
        data_module.load_policy_data.cache_clear()
