from django.urls import path

from . import views

app_name = "health_points"
urlpatterns = [
    path("", views.point_list, name="points"),
]
