from projects import app_config


class WomensCareConfig(app_config.ProjectAppConfig):
    name = "projects.womens_care"
    label = "womens_care"
    verbose_name = "女职工幸福关爱"
