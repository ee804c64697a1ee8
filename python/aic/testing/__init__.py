"""Test and example helpers: model generators (``models``)."""
