"""aic passes, one module per pass; importing this package registers them all."""

from aic.passes import verify  # noqa: F401
