"""Checks that the money records are whole: `coop verify` and the coordinators' Check the books page."""
