#!/bin/bash
# A C and a C++ project (make -j4) through zccache with gcc and g++: cold
# build all misses, warm build all hits, every object, depfile and program
# identical to the bare build, a header edit misses exactly its dependents, a
# changed -D misses everything and changing it back hits everything.
# shellcheck disable=SC2034 # used by cc_project.bash
PCC=gcc PCXX=g++
. "$(dirname "$0")/cc_project.bash"
