from django.urls import path

from . import views

app_name = "caravan"
urlpatterns = [
    path("", views.visit_list, name="visits"),
]
