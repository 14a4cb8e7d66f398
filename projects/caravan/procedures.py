"""How the caravan rules are applied for (see projects.procedures)."""

from projects.procedures import DISTRICT, Procedure

from .services import caravan_visit_open

PROCEDURES = (
    Procedure(
        "caravan_visit",
        (DISTRICT,),
        "2019 §11 服务形式：区总工会将“大篷车”开进企事业单位、园区、楼宇",
        on_approved=caravan_visit_open,
    ),
)

PROJECT_LINKS = {"caravan": [("近期“大篷车”活动", "caravan:visits")]}
