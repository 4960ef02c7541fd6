"""parcodegen: turn serial C/C++ into fast, verified OpenMP code."""

__version__ = "0.1.0"
