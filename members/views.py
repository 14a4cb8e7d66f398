from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import LoginForm, PasswordCodeConfirmForm, PasswordCodeRequestForm
from .network import client_ip
from .passwords_reset import password_code_confirm, password_code_request
from .sessions import session_start


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "members/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session_start(self.request, form.get_user(), trusted_device=form.cleaned_data.get("remember", False))
        return response


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def password_code(request):
    """Step 1: a code to the registered phone (also a member's first login)."""
    form = PasswordCodeRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sent = password_code_request(identifier=form.cleaned_data["identifier"], client_address=client_ip(request))
        except ValidationError as exc:
            form.add_error("identifier", exc)
            status = 429 if exc.code == "rate_limited" else 200
        else:
            messages.info(request, sent)
            return redirect(f"{request.path}confirm/?identifier={form.cleaned_data['identifier']}")
    return render(request, "members/password_code.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def password_code_confirm_view(request):
    """Step 2: the code and the new password."""
    form = PasswordCodeConfirmForm(request.POST or None, initial={"identifier": request.GET.get("identifier", "")})
    if request.method == "POST" and form.is_valid():
        try:
            password_code_confirm(
                identifier=form.cleaned_data["identifier"],
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("new_password1" if field == "__all__" else field, errors)
        else:
            messages.success(request, "密码已设置，请用会员服务卡号或手机号登录。")
            return redirect("members:login")
    return render(request, "members/password_code_confirm.html", {"form": form})
