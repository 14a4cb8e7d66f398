from projects import app_config


class MicroWishesConfig(app_config.ProjectAppConfig):
    name = "projects.micro_wishes"
    label = "micro_wishes"
    verbose_name = "微心愿"
