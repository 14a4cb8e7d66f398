"""The service projects the two policy documents define, as the portal lists them.

Plain data. Documents: "2019" = seeds/001 (2019年嘉定工会实项目, 15件好事);
"2021" = seeds/000 (2021年服务职工群众18件实事, ten of them described).
A summary is a template rendered from a policy year's data (subsidies.rules.prose): the newest
of the project's years unless `summary_from` names the year whose figures it quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from subsidies.rules.data import PolicyData, load_policy_data
from subsidies.rules.prose import render


@dataclass(frozen=True)
class Category:
    code: str
    title: str


# The five categories of the 2019 document's preface: 技能提升、文体服务、维权服务、健康服务和生活服务.
CATEGORIES = (
    Category("skills", "技能提升"),
    Category("rights", "维权服务"),
    Category("health", "健康服务"),
    Category("culture", "文体服务"),
    Category("life", "生活服务"),
)


@dataclass(frozen=True)
class ServiceProject:
    code: str
    title: str
    category: str
    summary: str
    applicant: str
    policy_years: tuple[int, ...]
    summary_from: int | None = None  # the policy year the summary's figures come from (default: the newest)

    @property
    def summary_year(self) -> int:
        return self.summary_from or max(self.policy_years)

    def describe(self, data: PolicyData | None = None) -> str:
        """The summary with the figures of `data` (the year's current data), else of the shipped file."""
        return render(self.summary, data or load_policy_data(self.summary_year))


SERVICE_PROJECTS: tuple[ServiceProject, ...] = (
    ServiceProject(
        "skill_awards",
        "技能晋升、带教师傅和专利发明人奖励",
        "skills",
        "职工晋升技师、高级技师，带教徒弟晋升，或作为第一发明人获得授权发明专利的，"
        "一次性奖励{mentor_award_amounts:min amount}—{mentor_award_amounts:max amount}元。",
        "会员（个人或经所在单位申报）",
        (2019, 2021),
    ),
    ServiceProject(
        "worker_school",
        "上海职工学堂建学补贴",
        "skills",
        "街镇新建职工学堂，市总工会最高补贴{worker_school_city_cap:wan}万元，区总工会等额匹配。",
        "街镇工会",
        (2019,),
    ),
    ServiceProject(
        "legal_aid",
        "“应援尽援、零门槛”法律援助",
        "rights",
        "符合六类条件之一的职工，可向区总工会职工法律援助中心及各街镇分中心、法院和仲裁院窗口申请免费法律援助。",
        "会员",
        (2019,),
    ),
    ServiceProject(
        "legal_checkup",
        "和谐劳动关系“法律体检”",
        "rights",
        "区总工会为全区{legal_checkup_enterprises}家企业提供劳动关系“法律体检”服务，名额分配到各街镇。",
        "企业（经街镇工会推荐）",
        (2021,),
    ),
    ServiceProject(
        "flexible_workers",
        "灵活就业会员专享保障和“五送”关爱",
        "rights",
        "快递、外卖、家政等行业的灵活就业会员，未满{flexible_care_age_limit}周岁，可参加专享保障；"
        "一次缴满{flexible_care_full_dues}元会费的，享受“五送”服务。",
        "街镇（园区、行业）工会为会员办理",
        (2019, 2021),
    ),
    ServiceProject(
        "sanitation_insurance",
        "环卫职工“送保障”",
        "rights",
        "建会环卫作业企业的在职职工，每人一份住院补充医疗互助保障和一份团体意外伤害互助保障。",
        "单位（街镇工会初审，区总工会审核）",
        (2019,),
    ),
    ServiceProject(
        "sanatorium",
        "职工疗休养和健康体检",
        "health",
        "市总、区总团体疗休养计划和体检计划，按计划给予每人补贴；2021年D、E、F体检计划仅在"
        "{sanatorium_checkup_def_opens:m}—{sanatorium_checkup_def_closes:m}月开展，"
        "全区{sanatorium_checkup_def_district_places}名额先到先得。",
        "单位工会组织，会员报名",
        (2019, 2021),
    ),
    ServiceProject(
        "counselling",
        "“心嘉定·心未来”职工心理服务",
        "health",
        "个案心理咨询（严格保密）和心理健康讲座，免费。",
        "会员预约；单位工会申请讲座",
        (2019,),
    ),
    ServiceProject(
        "health_points",
        "园区（楼宇、商圈）职工健康服务点",
        "health",
        "按“四固三定”标准：每周{health_points_consultation_min_half_days}—{health_points_consultation_max_half_days}个半天问诊，"
        "每月{health_points_patrols_per_month}次半日巡诊，每两个月一次健康讲座。",
        "街镇工会会同社区卫生服务中心",
        (2021,),
    ),
    ServiceProject(
        "reading_rooms",
        "职工书屋建设",
        "culture",
        "2019年建设区级职工书屋示范点{reading_demo_quota}个、自建点{reading_self_built_quota}个，按藏书、报刊和音像制品标准评定。",
        "单位",
        (2019,),
    ),
    ServiceProject(
        "culture_classes",
        "“艺术课堂、历铁人”文体服务",
        "culture",
        "免费的艺术课程和健身培训；个人预约课程，单位或工会组织每年可预约一次。",
        "会员、单位",
        (2019,),
    ),
    ServiceProject(
        "tickets",
        "“剧精彩”电影和话剧",
        "culture",
        "免费电影和话剧；个人抢票，单位或工会组织每年可预约一次。",
        "会员、单位",
        (2019,),
    ),
    ServiceProject(
        "flower_expo",
        "组织万名职工“看花博”",
        "culture",
        "各级工会组织职工团体参观第十届中国花卉博览会，全区目标超过{flower_expo_target_visits}人次。",
        "各级工会",
        (2021,),
    ),
    ServiceProject(
        "member_card",
        "工会会员服务卡：专享基本保障和大病慰问金",
        "life",
        "持卡会员每年享有一份免费的专享基本保障；患十二类重大疾病住院的，可申请市总"
        "{member_card_city_condolence_amount}元、区总{member_card_district_condolence_amount}元慰问金。",
        "会员（单位统一办理）",
        (2019, 2021),
        summary_from=2019,  # the condolence payments are the 2019 document's
    ),
    ServiceProject(
        "womens_care",
        "女职工幸福关爱：爱心妈咪小屋和亲子工作室",
        "life",
        "新建爱心妈咪小屋每间补贴市总工会{womens_mommy_room_city}元、区总工会{womens_mommy_room_district}元；"
        "亲子工作室寒暑假托班、晚托班按人数和时长补贴"
        "{womens_holiday_class_grants:min amount wan}—{womens_evening_class_grants:max amount wan}万元。",
        "单位",
        (2019,),
    ),
    ServiceProject(
        "singles",
        "“嘉缘会”单身青年交友",
        "life",
        "{singles_max_age}周岁以下单身会员，线上登记匹配，线下参加主题交友活动。",
        "会员",
        (2019, 2021),
    ),
    ServiceProject(
        "micro_wishes",
        "助力困难职工实现“微心愿”",
        "life",
        "工会认定的困难职工和特殊弱势群体职工，可全年发布实物、服务或线下活动类微心愿。",
        "会员（个人发布）或区总工会（集体发布）",
        (2021,),
    ),
    ServiceProject(
        "outdoor_care",
        "户外职工爱心接力站",
        "life",
        "为环卫工、快递员、送餐员等户外职工提供饮水、避暑取暖、餐食加热、充电、如厕和休息。",
        "无需申请",
        (2019,),
    ),
    ServiceProject(
        "caravan",
        "“大篷车”服务",
        "life",
        "区总工会把大篷车开进企业、园区和楼宇，现场提供法律、心理、职业指导、健康咨询和理发、手机维修等服务。",
        "建会单位",
        (2019,),
    ),
)


def projects_by_category() -> list[tuple[Category, list[ServiceProject]]]:
    return [(c, [p for p in SERVICE_PROJECTS if p.category == c.code]) for c in CATEGORIES]
