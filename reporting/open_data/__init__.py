"""Open data: monthly aggregate figures per council and per school, with small numbers
suppressed, written as CSV, JSON and a Frictionless data package for a data portal."""
