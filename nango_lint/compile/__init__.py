"""The compile pass: type-check, bundle and validate functions with the real Nango CLI.

``local`` runs the pinned ``nango`` CLI from npm offline in a throwaway project (``toolchain``, ``project``,
``runner``, ``diagnostics``); ``select`` chooses between the local and the remote compiler; ``command`` is the glue
the command line calls after a lint.
"""

from nango_lint.compile.errors import CompileToolError

__all__ = ["CompileToolError"]
