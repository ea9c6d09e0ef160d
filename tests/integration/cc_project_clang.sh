#!/bin/bash
# The cc_project_gcc cases with clang and clang++.
PCC=clang PCXX=clang++
. "$(dirname "$0")/cc_project.bash"
