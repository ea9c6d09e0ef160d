#!/bin/bash
# The cc_project_gcc cases with clang and clang++.
# shellcheck disable=SC2034 # used by cc_project.bash
PCC=clang PCXX=clang++
. "$(dirname "$0")/cc_project.bash"
