"""ingest's version, in one place: pyproject.toml reads it, and modules import it from here
rather than from the package, whose __init__ imports them."""

__version__ = "0.1.0"
