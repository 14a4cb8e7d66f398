from django.urls import path

from . import views

app_name = "micro_wishes"
urlpatterns = [
    path("my/", views.my_wishes, name="my"),
    path("my/<int:pk>/describe/", views.my_wish_describe, name="describe"),
]
