"""Passes on bufferized IR (memref level)."""
