from projects import app_config


class ReadingRoomsConfig(app_config.ProjectAppConfig):
    name = "projects.reading_rooms"
    label = "reading_rooms"
    verbose_name = "职工书屋"
