from projects import app_config


class SanatoriumConfig(app_config.ProjectAppConfig):
    name = "projects.sanatorium"
    label = "sanatorium"
    verbose_name = "疗休养和健康体检"
