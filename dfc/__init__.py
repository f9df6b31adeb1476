"""Wiring for Devices for Children: settings, database, accounts, the app factory and CLI."""
