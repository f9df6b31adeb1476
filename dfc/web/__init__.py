"""What every web page shares: the GOV.UK layout, languages, CSRF and error pages."""
