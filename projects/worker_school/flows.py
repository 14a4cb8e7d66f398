"""How the worker school rules are applied for (see projects.flows)."""

from projects.flows import D, Flow
from projects.models import AttachmentKind

from .services import on_worker_school_approved, on_worker_school_submit, worker_school_locked_facts

FLOWS = (
    Flow("worker_school_grant", (D,), "2019 §2 操作流程（二）：区总工会对申报贴补的学堂进行实地审核",
         proofs=(AttachmentKind.INVOICE,), locked_facts=worker_school_locked_facts,
         on_submit=on_worker_school_submit, on_approved=on_worker_school_approved),
)
