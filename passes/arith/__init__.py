"""Passes on ``arith`` dialect ops."""
