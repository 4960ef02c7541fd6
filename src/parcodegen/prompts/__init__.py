"""Prompt templates (templates/*.j2) and the render helper."""

from parcodegen.prompts.render import render, template_names

__all__ = ["render", "template_names"]
