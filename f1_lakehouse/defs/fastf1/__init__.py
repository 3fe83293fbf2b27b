"""FastF1 bronze assets."""
