"""Passes on ``math`` dialect ops."""
