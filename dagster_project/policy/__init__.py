"""Decree 178/67 and Decree 154 policy engine: Python reference (rules) and helpers."""
