from django.urls import path  # noqa: F401

app_name = "flower_expo"
urlpatterns: list = []
