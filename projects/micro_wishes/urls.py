from django.urls import path  # noqa: F401

app_name = "micro_wishes"
urlpatterns: list = []
