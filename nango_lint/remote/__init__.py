"""The remote pass: compile, dryrun and deploy one function against a Nango server, after a clean lint.

Nothing here is imported by a plain lint run; ``httpx`` is imported only when a remote step runs.
"""
