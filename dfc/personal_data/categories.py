"""The kinds of personal data the service holds. A column's category says how sensitive it
is and which information sharing agreements may cover it."""

from enum import StrEnum


class DataCategory(StrEnum):
    CONTACT = "contact"  # a family's phone number or email address
    PUPIL = "pupil"  # the school's pupil reference and year group: they identify a child
    PREFERENCE = "preference"  # a family's language, consent and broadband answers
    FREE_TEXT = "free-text"  # what a family or staff wrote; may hold anything
    STAFF = "staff"  # staff names and work email addresses
    ONLINE = "online"  # IP addresses, session and key identifiers
