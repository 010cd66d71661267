# Empty compiler generated dependencies file for esra-fakedns.
# This may be replaced when dependencies are built.
