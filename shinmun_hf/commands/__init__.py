"""Subcommands of ``shinmun``: one module each, with ``register(subparsers)``.

A module's ``register`` adds its parser and sets ``run`` (a function taking the parsed
arguments and returning the exit code). Imports of heavy dependencies belong inside ``run`` so
``shinmun --help`` stays instant.
"""

COMMANDS = ("init", "new", "build", "serve", "check", "widget", "shinmun_names")
"""Modules of this package that define a subcommand, in the order ``--help`` lists them."""
