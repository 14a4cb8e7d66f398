"""Outdoor-worker care stations are a public registry: nobody applies (see projects.procedures)."""

PROCEDURES = ()

PROJECT_LINKS = {"outdoor_care": [("户外职工爱心接力站一览", "outdoor_care:stations")]}
