"""What people read instead of codes (projects.labels)."""

from projects import labels, workflow


def test_every_timeline_action_has_a_label():
    assert set(workflow.TRANSITIONS) <= set(workflow.EVENT_LABELS)
    assert labels.action_label("route") == "进入审核"
    assert labels.action_label("create") == "创建申请"


def test_review_chain_and_money():
    assert labels.chain_text(["grassroots", "district", "city"]) == "基层工会 → 区总工会 → 市总工会"
    assert labels.yuan("2000") == "2,000.00 元"
    assert labels.yuan(None) == "—"


def test_recalculation_difference_in_words():
    rows = labels.change_rows(
        {
            "amount": ["1000.00", "2000.00"],
            "outcome": ["eligible", "ineligible"],
            "split": [[{"payer": "city_union", "amount": "1000.00"}], []],
        }
    )
    assert rows == [
        ("金额", "1,000.00 元", "2,000.00 元"),
        ("判定结果", "符合条件", "不符合条件"),
        ("出资构成", "市总工会 1,000.00 元", "—"),
    ]


def test_transcribers_pointers_are_left_out_of_clauses():
    assert labels.plain_source("按个人负担处理，见 docs/rules.md）") == "按个人负担处理）"
    assert labels.plain_source("§1 申报时间（第-3-页）") == "§1 申报时间"
