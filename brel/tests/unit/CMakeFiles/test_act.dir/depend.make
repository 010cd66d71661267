# Empty dependencies file for test_act.
# This may be replaced when dependencies are built.
