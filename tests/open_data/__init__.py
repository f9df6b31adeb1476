"""Tests of the open data: aggregate figures safe to publish."""
