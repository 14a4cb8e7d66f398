"""System checks: production refuses settings that would leak members' codes."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

CONSOLE_SMS_IN_PRODUCTION = "members.E001"
SMS_BACKEND_MISSING = "members.E002"


@register(Tags.security)
def sms_backend_check(app_configs=None, **kwargs):
    from .sms import ConsoleBackend

    if settings.DEBUG:
        return []
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError:
        return [
            Error(
                f"SMS_BACKEND（{settings.SMS_BACKEND}）无法导入。",
                id=SMS_BACKEND_MISSING,
                hint="设置为工会短信网关的类；未接入前不设置，使用默认的 members.sms.NotConfiguredBackend。",
            )
        ]
    if isinstance(backend, type) and issubclass(backend, ConsoleBackend):
        return [
            Error(
                "SMS_BACKEND 是开发用的 members.sms.ConsoleBackend：它把短信验证码写进日志，关闭 DEBUG 时不能使用。",
                id=CONSOLE_SMS_IN_PRODUCTION,
                hint="设置为工会短信网关的类；未接入前不设置，使用默认的 members.sms.NotConfiguredBackend。",
            )
        ]
    return []
