"""Target-specific parts of ``aic-convert-tiled-to-hw``."""
