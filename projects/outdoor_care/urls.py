from django.urls import path

from . import views

app_name = "outdoor_care"
urlpatterns = [
    path("", views.station_list, name="stations"),
]
