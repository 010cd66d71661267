# Empty dependencies file for esra_testutil.
# This may be replaced when dependencies are built.
