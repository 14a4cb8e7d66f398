"""How the sanatorium rules are applied for (see projects.procedures)."""

from projects.procedures import DISTRICT, Procedure, QuotaSpec

PROCEDURES = (
    Procedure(
        "sanatorium_plan",
        (DISTRICT,),
        "运营约定：团体疗休养由区总工会确认计划和名额",
        offering="required",
        places_fact="participants",
    ),
    Procedure(
        "resort_room_subsidy",
        (),
        "2019 §6 会员休疗养度假房价补贴：持卡会员直接预订",
        auto_approve_ceiling="resort_room_auto_approve_ceiling",
    ),
    Procedure(
        "health_checkup",
        (),
        "2021「疗休养、健康体检」：直通预约，D、E、F计划先到先得",
        offering="optional",
        auto_approve_ceiling="health_checkup_auto_approve_ceiling",
        places_fact="persons",
        quotas=lambda a, f: (
            [
                QuotaSpec(
                    f"health_checkup:{a.policy_year}:DEF",
                    "D、E、F体检计划全区名额",
                    "sanatorium_checkup_def_district_places",
                    first_come=True,
                )
            ]
            if a.policy_year >= 2021 and f.get("plan") in ("D", "E", "F")
            else []
        ),
    ),
    Procedure("sanatorium_group", (DISTRICT,), "运营约定：团体疗休养由区总工会确认计划和名额"),
)

PROJECT_LINKS = {"sanatorium": [("2019、2021年度疗休养和体检计划、补贴一览", "sanatorium:plans")]}
