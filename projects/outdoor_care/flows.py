"""Outdoor-worker care stations are a public registry: nobody applies (see projects.flows)."""

FLOWS = ()

PROJECT_LINKS = {"outdoor_care": [("户外职工爱心接力站一览", "outdoor_care:stations")]}
