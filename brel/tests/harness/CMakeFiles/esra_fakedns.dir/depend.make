# Empty dependencies file for esra_fakedns.
# This may be replaced when dependencies are built.
