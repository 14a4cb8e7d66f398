from projects import app_config


class CaravanConfig(app_config.ProjectAppConfig):
    name = "projects.caravan"
    label = "caravan"
    verbose_name = "大篷车服务"
