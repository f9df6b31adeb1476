"""The access audit: its table, and the one writer every domain calls."""
