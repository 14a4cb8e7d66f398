"""How the reading rooms rules are applied for (see projects.procedures)."""

from projects.procedures import DISTRICT, Procedure, QuotaSpec, once_per_year

from .services import on_reading_room_approved

PROCEDURES = (
    Procedure(
        "reading_room",
        (DISTRICT,),
        "2019 §12 职工书屋建设：单位申报，区总工会评定",
        dedup=once_per_year,
        dedup_message="该单位本年度已申报职工书屋。",
        quotas=lambda a, f, data=None: (
            [
                QuotaSpec(
                    f"reading_room:{a.policy_year}:{f.get('point_type')}",
                    "区级职工书屋示范点" if f.get("point_type") == "demo" else "职工书屋自建点",
                    f"reading_{f.get('point_type')}_quota",
                )
            ]
            if f.get("point_type")
            else []
        ),
        on_approved=on_reading_room_approved,
    ),
)
