from django.urls import path  # noqa: F401

app_name = "worker_school"
urlpatterns: list = []
