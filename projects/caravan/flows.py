"""How the caravan rules are applied for (see projects.flows)."""

from projects.flows import D, Flow


# The hook imports the services when called: projects.flows imports this module while it loads.
def _open_visit(application):
    from .services import caravan_visit_open

    caravan_visit_open(application)


FLOWS = (
    Flow("caravan_visit", (D,), "2019 §11 服务形式：区总工会将“大篷车”开进企事业单位、园区、楼宇",
         on_approved=_open_visit),
)

PROJECT_LINKS = {"caravan": [("近期“大篷车”活动", "caravan:visits")]}
