"""Subcommands of the ``stvideo`` command line, one module each."""
