from django import forms
from django.utils.translation import gettext_lazy as _


class ChannelPreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("同时发送电子邮件"), required=False)
    sms = forms.BooleanField(label=_("同时发送手机短信"), required=False)
