from projects import app_config


class HealthPointsConfig(app_config.ProjectAppConfig):
    name = "projects.health_points"
    label = "health_points"
    verbose_name = "职工健康服务点"
