# Empty dependencies file for esra_core_t.
# This may be replaced when dependencies are built.
