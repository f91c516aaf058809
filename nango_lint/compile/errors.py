"""Errors of the compile pass that are not findings."""

from __future__ import annotations


class CompileToolError(Exception):
    """The compiler could not run (node missing or too old, npm install failed, time limit exceeded...).

    The message is one line that says what went wrong and what to do; the command line prints it and exits 2.
    """
