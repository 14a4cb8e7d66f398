"""How the caravan rules are applied for (see projects.flows)."""

from projects.flows import D, Flow

FLOWS = (
    Flow("caravan_visit", (D,), "2019 §11 服务形式：区总工会将“大篷车”开进企事业单位、园区、楼宇"),
)
