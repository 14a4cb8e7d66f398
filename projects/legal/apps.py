from projects import app_config


class LegalConfig(app_config.ProjectAppConfig):
    name = "projects.legal"
    label = "legal"
    verbose_name = "法律援助和法律体检"
