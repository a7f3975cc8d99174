"""Sub-commands of the ``dinamika`` command line (one module each, see ``dinamika.cli``)."""
