"""Scrape vendor API error-code tables from documentation pages into one canonical dataset."""

__version__ = "0.1.0"
