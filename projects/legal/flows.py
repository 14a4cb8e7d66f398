"""How the legal rules are applied for (see projects.flows)."""

from projects.flows import D, Flow, S, once_per_year

FLOWS = (
    Flow("legal_aid", (D,), "2019 §3 申请程序：区总工会职工法律援助中心完成受理、审核、指派"),
    Flow("legal_checkup", (S, D), "2021「法律体检」二、范围与对象：街镇总工会确定企业名单，区总工会分配名额",
         dedup=once_per_year, dedup_message="该企业本年度已列入“法律体检”名单。"),
)
