"""How the worker school rules are applied for (see projects.procedures)."""

from projects.models import AttachmentKind
from projects.procedures import DISTRICT, Procedure

from .services import on_worker_school_approved, on_worker_school_submit, worker_school_locked_facts

PROCEDURES = (
    Procedure(
        "worker_school_grant",
        (DISTRICT,),
        "2019 §2 操作流程（二）：区总工会对申报贴补的学堂进行实地审核",
        proofs=(AttachmentKind.INVOICE,),
        locked_facts=worker_school_locked_facts,
        on_submit=on_worker_school_submit,
        on_approved=on_worker_school_approved,
    ),
)
