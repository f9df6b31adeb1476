"""The accounts HTTP API; routes.py hands them to the app."""
