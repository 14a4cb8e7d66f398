from django.apps import AppConfig


class ReadingRoomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.reading_rooms"
    label = "reading_rooms"
    verbose_name = "职工书屋"
