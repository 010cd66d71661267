# Empty compiler generated dependencies file for test_jstream.
# This may be replaced when dependencies are built.
