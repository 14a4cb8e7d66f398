from django.apps import AppConfig


class SkillAwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects.skill_awards"
    label = "skill_awards"
    verbose_name = "技能晋升和专利奖励"
