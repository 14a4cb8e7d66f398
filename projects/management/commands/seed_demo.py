import time

from django.core.management.base import BaseCommand, CommandError

from members.demo import DISTRICT_CODE, seed_demo
from members.models import Organisation, User
from projects.demo import seed_applications, seed_demo_year_places, seed_offerings, seed_policy_year


class Command(BaseCommand):
    help = "生成确定性的演示数据（街镇单位、会员、会费、演示账号、场次和申请）。重复运行不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=500, help="会员人数（默认500）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认2026）")

    def handle(self, *args, members, seed, **options):
        if members < 0:
            raise CommandError("--members 不能为负数。")
        started = time.perf_counter()
        step = max(members // 10, 5000)

        def progress(done):
            if done % step < 5000 or done == members:
                self.stdout.write(f"  会员 {done:,}/{members:,}  {time.perf_counter() - started:.1f}s")

        report, logins = seed_demo(members=members, seed=seed, progress=progress if members >= 50000 else None)
        district = Organisation.objects.get(code=DISTRICT_CODE)
        reviewers = {
            u.username: u for u in User.objects.filter(username__in=("district", "district2", "street", "grassroots"))
        }
        from django.utils import timezone

        policy_years = seed_policy_year(
            opener=reviewers["district"], publisher=reviewers["district2"], today=timezone.localdate()
        )
        from subsidies.models import PolicyYear

        today = timezone.localdate()
        demo_year = today.year if PolicyYear.objects.filter(year=today.year, status="published").exists() else None
        if demo_year:
            seed_demo_year_places(district_user=reviewers["district"], year=demo_year)
        offerings = seed_offerings(
            district=district, organiser_user=reviewers["district"], demo_year=demo_year, today=today
        )
        applications = seed_applications(seed=seed, reviewers=reviewers) if members else 0
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪（{elapsed:.1f}s）：新增单位 {report.units_created}，新增会员 {report.members_created}"
                f"（已存在跳过 {report.members_skipped}），新增会费记录 {report.dues_created}，新增账号 {report.users_created}，"
                f"新增场次 {offerings}，新增申请 {applications}，新增演示政策年度 {policy_years}。"
            )
        )
        self.stdout.write("演示账号（密码相同）：")
        for login in logins:
            self.stdout.write(f"  {login.role:<11} {login.username:<12} {login.password}  {login.organisation}")
