from projects import app_config


class OutdoorCareConfig(app_config.ProjectAppConfig):
    name = "projects.outdoor_care"
    label = "outdoor_care"
    verbose_name = "户外职工爱心接力站"
