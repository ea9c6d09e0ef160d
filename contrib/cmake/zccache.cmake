# zccache.cmake: compile C and C++ (and Objective-C/C++) through zccache when
# it is installed. Either, in CMakeLists.txt, before the targets:
#
#   include(/path/to/zccache.cmake)
#
# or, without touching the project (CMake 3.24 or newer):
#
#   cmake -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES=/path/to/zccache.cmake ..
#
# A launcher the build already chose (-DCMAKE_C_COMPILER_LAUNCHER=...) is
# kept; -DZCCACHE_LAUNCHER=OFF turns this off.
include_guard(GLOBAL)

option(ZCCACHE_LAUNCHER "Compile through zccache when it is found" ON)
find_program(ZCCACHE_PROGRAM zccache DOC "the zccache launcher")

if(ZCCACHE_LAUNCHER AND ZCCACHE_PROGRAM)
  foreach(lang IN ITEMS C CXX OBJC OBJCXX)
    if(NOT CMAKE_${lang}_COMPILER_LAUNCHER)
      set(CMAKE_${lang}_COMPILER_LAUNCHER "${ZCCACHE_PROGRAM}")
    endif()
  endforeach()
  message(STATUS "Compiling through zccache: ${ZCCACHE_PROGRAM}")
elseif(ZCCACHE_LAUNCHER)
  message(STATUS "zccache not found: compiling without it")
endif()
