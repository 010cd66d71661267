# Empty dependencies file for test_docker.
# This may be replaced when dependencies are built.
