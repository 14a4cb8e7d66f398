"""Forms generated from a rule's facts schema.

The form only collects and displays: parsing and deciding happen in one place
(subsidies.selectors.decide, called by the submission service or the calculator
view), whose FactsError names every bad field — shown here by add_fact_errors.
Locked facts (today's date, what the member record says) are shown read-only and
taken from the record, never from the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from subsidies.rules.base import Rule
from subsidies.rules.facts import Fact, FactsError

from .models import AttachmentKind

# A yes/no question offers only 是 and 否 (left unticked, it is unanswered: every fact is optional
# in the form; the rules say which are needed). A dropdown keeps its "请选择" placeholder.
BOOL_CHOICES = (("true", _("是")), ("false", _("否")))
PLACEHOLDER = ("", _("请选择"))


def _field_for(fact: Fact, *, disabled: bool) -> forms.Field:
    common = {"label": fact.label, "required": False, "help_text": fact.help, "disabled": disabled}
    if fact.kind == "bool":
        return forms.ChoiceField(choices=BOOL_CHOICES, widget=forms.RadioSelect, **common)
    if fact.kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if fact.kind in ("int", "decimal"):
        attrs = {"inputmode": "decimal" if fact.kind == "decimal" else "numeric"}
        if fact.minimum is not None:
            attrs["min"] = str(fact.minimum)
        if fact.maximum is not None:
            attrs["max"] = str(fact.maximum)
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if fact.kind == "choice":
        if len(fact.choices) <= 4:
            return forms.ChoiceField(choices=fact.choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=(PLACEHOLDER, *fact.choices), widget=forms.Select, **common)
    return forms.CharField(**common)


def _display(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _shown(fact: Fact, value: Any) -> str:
    """A record fact as the form shows it, read-only: 是/否, a choice's label, a date."""
    if value is True or value is False:
        return "是" if value else "否"
    if fact.choices:
        return str(dict(fact.choices).get(str(value), value))
    if isinstance(value, date):
        return value.isoformat()
    return "—" if value in (None, "") else str(value)


def field_message(name: str, message: str) -> str:
    """A facts message as shown next to its field: the label, without the fact's code name the
    message carries for the command line ("“申请日期”（application_date）必须是日期" → "“申请日期”必须是日期")."""
    return message.replace(f"（{name}）", "")


def add_fact_errors(form, exc: FactsError) -> None:
    """Each refused fact at its field (or above the form), in the words of field_message."""
    for name, message in exc.errors.items():
        form.add_error(name if name in form.fields else None, field_message(name, message))


class FactsForm(forms.Form):
    """Fields named after the rule's facts; raw_facts() hands what was typed to the service."""

    def __init__(
        self,
        *args,
        rule: Rule,
        locked: Mapping[str, Any] | None = None,
        initial_facts: Mapping[str, Any] | None = None,
        proofs: tuple[str, ...] = (),
        offerings=None,
        offering_required: bool = False,
        attached: Mapping[str, list[str]] | None = None,
        **kwargs,
    ):
        self.rule = rule
        self.refile: dict[str, str] = {}  # proof field → the file chosen in a failed submit (not kept)
        self.offerings = {str(s.pk): s for s in offerings} if offerings is not None else None
        self.locked = dict(locked or {})
        self.proofs = proofs
        initial = {name: _display(value) for name, value in {**(initial_facts or {}), **self.locked}.items()}
        super().__init__(*args, initial=initial, **kwargs)
        if self.offerings is not None:
            choices = [PLACEHOLDER] + [
                (pk, f"{s}（{s.location}，余{s.quota.remaining}个名额）") for pk, s in self.offerings.items()
            ]
            self.fields["offering"] = forms.ChoiceField(label=_("场次"), choices=choices, required=offering_required)
        for fact in rule.schema:
            field = _field_for(fact, disabled=fact.name in self.locked)
            if fact.name in self.locked:
                field.locked_text = _shown(fact, self.locked[fact.name])
            if fact.required and fact.name not in self.locked:
                field.label_suffix = " *"
            self.fields[fact.name] = field
        for kind in proofs:
            kept = (attached or {}).get(kind)
            help_text = _("PDF、JPG、PNG 或 Excel，10 MB 以内")
            if kept:
                help_text = _("已上传：%(names)s。如需补充可再选择文件；%(limits)s") % {
                    "names": "、".join(kept),
                    "limits": help_text,
                }
            self.fields[f"proof_{kind}"] = forms.FileField(
                label=_("上传材料：%(kind)s") % {"kind": AttachmentKind(kind).label},
                required=False,
                help_text=help_text,
            )

    def chosen_offering(self):
        if self.offerings is None:
            return None
        return self.offerings.get(self.cleaned_data.get("offering") or "")

    def raw_facts(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.rule.schema.names}
        data.update(self.locked)
        offering = self.chosen_offering() if hasattr(self, "cleaned_data") else None
        if offering is not None:
            data.update(offering.facts)
        return {k: v for k, v in data.items() if v not in (None, "")}

    def add_fact_errors(self, exc: FactsError) -> None:
        """The decision's refusal of bad facts, each at its field."""
        add_fact_errors(self, exc)

    def add_application_error(self, exc) -> None:
        """A refusal of the submission service at its field: missing proofs at each proof field
        still empty, a named field at that field, anything else above the form."""
        field = getattr(exc, "field", None)
        if field == "attachments" and self.proofs:
            chosen = {kind for kind, _file in self.uploads()} if hasattr(self, "cleaned_data") else set()
            empty = [f"proof_{kind}" for kind in self.proofs if kind not in chosen] or [f"proof_{self.proofs[0]}"]
            for name in empty:
                self.add_error(name, exc.message)
            return
        self.add_error(field if field in self.fields else None, exc.message)

    def add_missing_proof_errors(self, message_format: str) -> None:
        """With other errors on the page, the proofs still to upload are named at their fields too,
        so one failed submit lists everything to fix (message_format: the service's PROOFS_MISSING)."""
        chosen = {kind for kind, _file in self.uploads()} if hasattr(self, "cleaned_data") else set()
        for kind in self.proofs:
            name = f"proof_{kind}"
            if kind not in chosen and name not in self.errors:
                self.add_error(name, message_format.format(kinds=AttachmentKind(kind).label))

    def mark_refile(self) -> None:
        """After a failed submit: a browser never keeps a chosen file, so each proof field whose
        file was not saved says plainly to choose it again (请重新选择文件)."""
        for kind in self.proofs:
            upload = self.files.get(f"proof_{kind}") if self.files else None
            if upload is not None:
                self.refile[f"proof_{kind}"] = upload.name
                self.fields[f"proof_{kind}"].refile = upload.name

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (kind, self.cleaned_data[f"proof_{kind}"]) for kind in self.proofs if self.cleaned_data.get(f"proof_{kind}")
        ]


class CalculatorForm(FactsForm):
    """The public calculator: every fact editable, partial facts allowed (see the calculator view)."""


class ReviewerFactsForm(forms.Form):
    """The facts the current review level establishes (Fact.source == "reviewer"), nothing else."""

    def __init__(self, *args, facts, initial_facts: Mapping[str, Any] | None = None, **kwargs):
        self.facts = list(facts)
        super().__init__(
            *args, initial={f.name: _display((initial_facts or {}).get(f.name)) for f in self.facts}, **kwargs
        )
        for fact in self.facts:
            self.fields[fact.name] = _field_for(fact, disabled=False)
        self.fields["comment"] = forms.CharField(
            label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def raw_facts(self) -> dict[str, Any]:
        return {
            f.name: self.cleaned_data.get(f.name) for f in self.facts if self.cleaned_data.get(f.name) not in (None, "")
        }


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG、PNG 或 Excel，10 MB 以内"))
