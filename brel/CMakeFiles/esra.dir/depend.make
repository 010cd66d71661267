# Empty dependencies file for esra.
# This may be replaced when dependencies are built.
