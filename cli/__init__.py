"""The policykg command: click commands that parse options and call the library (policykg.build,
policykg.builder, policykg.graph, policykg.viz, policykg.serve)."""
from .commands import cli, main

__all__ = ["cli", "main"]
