"""Spreadsheet cells that never run as formulas, for every CSV and XLSX the site writes.

The bottom layer: it imports no other project app, and every app may import it.
"""
