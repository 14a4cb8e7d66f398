from projects import app_config


class SanitationConfig(app_config.ProjectAppConfig):
    name = "projects.sanitation"
    label = "sanitation"
    verbose_name = "环卫职工送保障"
