"""The terminal: ``kg`` and its commands, one module per command group (see kg/cli/main.py)."""

from kg.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
