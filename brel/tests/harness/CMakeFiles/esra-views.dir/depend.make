# Empty dependencies file for esra-views.
# This may be replaced when dependencies are built.
