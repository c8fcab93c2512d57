"""Mission planner: sea and air legs, refuel stops under agreement sets, reach."""
