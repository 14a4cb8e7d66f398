"""How the womens care rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import DISTRICT, Procedure

from .services import on_mommy_room_approved, on_parent_child_studio_approved

PROCEDURES = (
    Procedure(
        "mommy_room_grant",
        (DISTRICT,),
        "2019 §8 “爱心妈咪小屋”：单位申报，区总工会审核",
        proofs=(AttachmentKind.PHOTO,),
        on_approved=on_mommy_room_approved,
    ),
    Procedure(
        "parent_child_studio_grant",
        (DISTRICT,),
        "2019 §8 “亲子工作室”：单位申报，区总工会审核",
        on_approved=on_parent_child_studio_approved,
    ),
)
