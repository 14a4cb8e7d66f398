"""Every policy param, table and column has the Chinese name district staff read on the policy page."""

from subsidies import policy_labels
from subsidies.rules.data import available_years, load_policy_data


def test_every_param_table_and_column_has_a_label():
    missing = []
    for year in available_years():
        data = load_policy_data(year)
        missing += [f"{year} param {n}" for n in data.params if n not in policy_labels.PARAMS]
        missing += [f"{year} table {n}" for n in data.tables if n not in policy_labels.TABLES]
        missing += [
            f"{year} table {n} column {c}"
            for n, t in data.tables.items()
            for c, _kind in t.columns
            if c not in policy_labels.COLUMNS
        ]
    assert not missing, "add to subsidies/policy_labels.py:\n" + "\n".join(missing)


def test_values_read_as_words():
    assert policy_labels.value_text("2000.00", "money") == "2,000.00 元"
    assert policy_labels.value_text(60, "int", "周岁") == "60 周岁"
    assert policy_labels.value_text(["grassroots", "district", "city"], "str_list") == "基层工会、区总工会、市总工会"
    assert policy_labels.value_text(True, "bool") == "是"
    assert policy_labels.value_text(None, "money?") == "—"
    assert policy_labels.value_text(["express_logistics"], "str_list") == "快递物流"
