"""Codes shared by the rules and the database: what the policies call things.

Pure Python. Which codes a given policy year accepts lives in that year's
tables, not here; this is only the vocabulary (code -> Chinese label).
"""

# 灵活就业行业 — union of the 2019 list (001 §4 保障对象 1) and the 2021 list
# (000 "五送" 一、适用对象 1). 2019 says 保安保洁, 2021 splits it into 物业保安 and 保洁环卫.
FLEXIBLE_INDUSTRIES: dict[str, str] = {
    "express_logistics": "快递物流",
    "food_delivery": "网约送餐",
    "real_estate_agency": "房屋中介",
    "care_worker": "护工护理",
    "freight_driver": "货运驾驶",
    "security_cleaning": "保安保洁",
    "property_security": "物业保安",
    "mall_information": "商场信息",
    "domestic_service": "家政服务",
    "construction_casual": "工地短工",
    "farm_casual": "农业临工",
    "cleaning_sanitation": "保洁环卫",
    "street_employee": "街面雇员",
    "platform_gig": "网络平台灵活用工",
}

EMPLOYMENT_TYPES: dict[str, str] = {
    "employee": "在职职工",
    "migrant_worker": "农民工",
    "flexible_worker": "灵活就业人员",
    "sanitation_worker": "环卫职工",
}

MARITAL_STATUSES: dict[str, str] = {
    "unknown": "未登记",
    "single": "未婚",
    "married": "已婚",
    "divorced": "离异",
    "widowed": "丧偶",
}

# 单位性质
UNIT_TYPES: dict[str, str] = {
    "enterprise": "企业",
    "institution": "事业单位",
    "government": "机关",
    "social_organisation": "社会组织",
}

# 审核层级 (projects.workflow.ReviewLevel values): the codes a review chain of the policy data uses.
REVIEW_LEVELS: dict[str, str] = {
    "grassroots": "基层工会",
    "street": "街镇工会",
    "district": "区总工会",
    "city": "市总工会",
}
