"""Errors the user can fix (bad config, baseline, git ref...): printed as one line on stderr, exit code 2."""


class UserError(Exception):
    """A problem with the user's input or environment, described in one line."""
