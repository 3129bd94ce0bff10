"""Curbside: a self-hostable ask-a-doctor health Q&A platform.

The core (records, ingest, config, errors) is framework-free; ``curbside.web`` is the
Django adapter and ``curbside.cli`` the command line.
"""

__version__ = "0.1.0"
