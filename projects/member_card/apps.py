from projects import app_config


class MemberCardConfig(app_config.ProjectAppConfig):
    name = "projects.member_card"
    label = "member_card"
    verbose_name = "会员服务卡保障和慰问金"

    def ready(self):
        from projects.selectors import MemberExtra, add_member_extra

        from .selectors import unit_coverage_classes_column, unit_coverage_classes_keep

        # The unit's chosen classes come with the portal member (the entitlement page asks on each view).
        add_member_extra(
            "unit_coverage_classes", MemberExtra(unit_coverage_classes_column(), unit_coverage_classes_keep)
        )
