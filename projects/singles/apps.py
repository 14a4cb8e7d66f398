from projects import app_config


class SinglesConfig(app_config.ProjectAppConfig):
    name = "projects.singles"
    label = "singles"
    verbose_name = "嘉缘会"
