from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("会员服务卡号 / 手机号 / 用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    error_messages = {
        "invalid_login": _("账号或密码不正确。会员请使用10位会员服务卡号或登记的手机号码登录。"),
        "inactive": _("该账号已停用，请联系所在工会。"),
    }
