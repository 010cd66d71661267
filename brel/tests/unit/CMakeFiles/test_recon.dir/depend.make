# Empty dependencies file for test_recon.
# This may be replaced when dependencies are built.
