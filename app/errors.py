"""Errors that reach the user as a message, not a traceback."""


class TalusError(Exception):
    """A problem the user can act on: the message names the file, the item and what is wrong."""
