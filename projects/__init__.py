"""Service projects: one Django app per project family lives in this package."""
