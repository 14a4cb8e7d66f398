from django.urls import path

from . import views

app_name = "womens_care"
urlpatterns = [
    path("mommy-rooms/", views.mommy_rooms, name="mommy_rooms"),
]
