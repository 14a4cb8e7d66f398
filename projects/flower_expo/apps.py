from projects import app_config


class FlowerExpoConfig(app_config.ProjectAppConfig):
    name = "projects.flower_expo"
    label = "flower_expo"
    verbose_name = "万名职工看花博"
