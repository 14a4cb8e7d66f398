from django.urls import path

from . import views

app_name = "reading_rooms"
urlpatterns = [
    path("", views.reading_rooms, name="list"),
]
