from projects import app_config


class MemberCardConfig(app_config.ProjectAppConfig):
    name = "projects.member_card"
    label = "member_card"
    verbose_name = "会员服务卡保障和慰问金"
