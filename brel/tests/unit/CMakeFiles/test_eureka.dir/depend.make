# Empty dependencies file for test_eureka.
# This may be replaced when dependencies are built.
