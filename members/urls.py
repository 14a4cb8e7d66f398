from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_code, name="password_code"),
    path("password/confirm/", views.password_code_confirm_view, name="password_code_confirm"),
]
