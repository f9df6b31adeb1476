"""The register's HTTP API, one router per part; devices/routes.py hands them to the app."""
