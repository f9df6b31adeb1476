"""Personal data: its categories and the marks on every column that say what it holds."""
