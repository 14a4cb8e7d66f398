from projects import app_config


class WorkerSchoolConfig(app_config.ProjectAppConfig):
    name = "projects.worker_school"
    label = "worker_school"
    verbose_name = "上海职工学堂"
