"""Organisation insights for HR and managers: the team heatmap and its exports."""
