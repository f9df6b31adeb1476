"""The privacy HTTP API; routes.py hands them to the app."""
