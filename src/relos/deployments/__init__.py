"""Deployments: the standing framework of an access agreement, enforced over time."""
