"""Platforms: ship classes and aircraft types the mission planner moves."""
