"""Importers: convert other benchmarks' problems and recorded outputs into this tool's formats.

Each importer reads the user's own checkout at run time; nothing of the other project is
shipped here.
"""
