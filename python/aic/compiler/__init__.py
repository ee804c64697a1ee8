"""Compilation as data: per target, an ordered table of named stages (see ``stages``)."""
