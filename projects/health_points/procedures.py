"""How the health points rules are applied for (see projects.procedures)."""

from projects.procedures import Procedure

PROCEDURES = (
    Procedure("health_service_point", (), "2021「职工健康服务点」：创建标准（非申请事项）", applicable=False),
)

PROJECT_LINKS = {"health_points": [("职工健康服务点和近期巡诊、讲座", "health_points:points")]}
