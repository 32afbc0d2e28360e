"""Figures drawn from loaded tables, one module per kind of result."""
