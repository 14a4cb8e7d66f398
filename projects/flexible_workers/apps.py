from projects import app_config


class FlexibleWorkersConfig(app_config.ProjectAppConfig):
    name = "projects.flexible_workers"
    label = "flexible_workers"
    verbose_name = "灵活就业会员保障"
