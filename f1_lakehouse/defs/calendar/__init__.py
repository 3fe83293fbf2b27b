"""The season calendar: registers session partitions."""
