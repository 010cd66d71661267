# Empty dependencies file for esra-dnsbench.
# This may be replaced when dependencies are built.
