from django.core.management.base import BaseCommand

from members.roles import ROLE_GROUPS, sync_role_groups


class Command(BaseCommand):
    help = "按各应用 roles.py 的声明，同步三类工作人员角色组的权限（migrate 后会自动执行）。"

    def handle(self, *args, **options):
        for role, count in sync_role_groups(strict=True).items():
            self.stdout.write(f"{ROLE_GROUPS[role]}：{count} 项权限")
