from projects import app_config


class CounsellingConfig(app_config.ProjectAppConfig):
    name = "projects.counselling"
    label = "counselling"
    verbose_name = "职工心理服务"
