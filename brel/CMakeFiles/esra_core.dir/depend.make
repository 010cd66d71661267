# Empty dependencies file for esra_core.
# This may be replaced when dependencies are built.
