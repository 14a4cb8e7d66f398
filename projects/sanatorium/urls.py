from django.urls import path

from . import views

app_name = "sanatorium"
urlpatterns = [
    path("plans/", views.plans, name="plans"),
]
