"""Passes on structured control flow (scf loops on bufferized IR)."""
