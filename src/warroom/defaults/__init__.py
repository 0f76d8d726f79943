"""Packaged defaults: the policy and the status-update templates."""
