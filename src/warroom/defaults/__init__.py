"""Packaged defaults: the policy and (later) update templates."""
