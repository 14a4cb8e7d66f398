from django.apps import AppConfig


class MemberCardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.member_card"
    label = "member_card"
    verbose_name = "会员服务卡保障和慰问金"
