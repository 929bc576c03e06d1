"""Checking a deployment: `coop check-install`."""
