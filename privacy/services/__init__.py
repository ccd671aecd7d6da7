"""The personal-data services: log, erasure, export and retention (docs/privacy.md)."""
