"""Reporting: the council dashboard, the forecast and open data, read from the domains' queries."""
