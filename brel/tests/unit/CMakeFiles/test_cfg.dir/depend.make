# Empty dependencies file for test_cfg.
# This may be replaced when dependencies are built.
