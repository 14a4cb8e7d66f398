from django.urls import path  # noqa: F401

app_name = "skill_awards"
urlpatterns: list = []
