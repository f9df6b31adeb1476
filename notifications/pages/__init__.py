"""The notifications web pages; routes.py hands them to the app."""
