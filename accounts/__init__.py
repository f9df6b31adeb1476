"""Organisations (the scheme, councils, trusts, schools), staff, sign-in and scoping."""
