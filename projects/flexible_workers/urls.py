from django.urls import path  # noqa: F401

app_name = "flexible_workers"
urlpatterns: list = []
