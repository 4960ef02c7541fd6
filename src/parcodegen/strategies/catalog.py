"""Importing this module registers every built-in strategy."""

from parcodegen.strategies import direct, multi_stage, rag  # noqa: F401
