"""How the womens care rules are applied for (see projects.flows)."""

from projects.flows import D, Flow
from projects.models import AttachmentKind

from .services import on_mommy_room_approved, on_parent_child_studio_approved

FLOWS = (
    Flow("mommy_room_grant", (D,), "2019 §8 “爱心妈咪小屋”：单位申报，区总工会审核", proofs=(AttachmentKind.PHOTO,),
         on_approved=on_mommy_room_approved),
    Flow("parent_child_studio_grant", (D,), "2019 §8 “亲子工作室”：单位申报，区总工会审核",
         on_approved=on_parent_child_studio_approved),
)
