"""Outdoor-worker care stations are a public registry: nobody applies (see projects.flows)."""

FLOWS = ()
