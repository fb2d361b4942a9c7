"""Takt: production management for small and mid-size manufacturers."""
