"""Rules for this project family. Filled in by its author; see skill_awards.py for the pattern."""

from __future__ import annotations

from .base import Rule

RULES_2019: tuple[type[Rule], ...] = ()
RULES_2021: tuple[type[Rule], ...] = ()
