"""Fixtures shared by the desk's tests."""

from tests.support.media_helpers import media  # noqa: F401 (the photos-by-text fixture)
