"""Bulk imports: a supplier's delivery manifest and a network operator's usage file, CSV or
XLSX. Every row is checked first, every problem is reported by row and column, and either
the whole file is saved or nothing; importing the same file again adds nothing."""
