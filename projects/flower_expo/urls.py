from django.urls import path

from . import views

app_name = "flower_expo"
urlpatterns = [
    path("", views.progress, name="progress"),
]
