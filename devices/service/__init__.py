"""The register's rules: plain functions that take a session and a caller; no HTTP here."""
