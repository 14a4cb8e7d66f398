from django.urls import path  # noqa: F401

app_name = "outdoor_care"
urlpatterns: list = []
