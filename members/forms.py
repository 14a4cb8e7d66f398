from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("会员服务卡号 / 手机号 / 用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    remember = forms.BooleanField(
        label=_("在此设备保持登录"),
        required=False,
        help_text=_("仅在本人的手机或电脑上勾选：会员30天内无需再次登录，常用则自动续期；工作人员账号不保持登录。"),
    )
    error_messages = {
        "invalid_login": _("账号或密码不正确。会员请使用10位会员服务卡号或登记的手机号码登录。"),
        "inactive": _("该账号已停用，请联系所在工会。"),
    }


class PasswordCodeRequestForm(forms.Form):
    identifier = forms.CharField(label=_("会员服务卡号或登记的手机号"), max_length=11)


class PasswordCodeConfirmForm(forms.Form):
    identifier = forms.CharField(label=_("会员服务卡号或登记的手机号"), max_length=11)
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        return cleaned
