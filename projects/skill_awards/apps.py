from projects import app_config


class SkillAwardsConfig(app_config.ProjectAppConfig):
    name = "projects.skill_awards"
    label = "skill_awards"
    verbose_name = "技能晋升和专利奖励"
