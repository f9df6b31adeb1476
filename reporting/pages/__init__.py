"""The reporting web pages; routes.py hands them to the app."""
