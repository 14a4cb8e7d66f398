from projects import app_config


class CultureConfig(app_config.ProjectAppConfig):
    name = "projects.culture"
    label = "culture"
    verbose_name = "文体课程和观影观剧"
