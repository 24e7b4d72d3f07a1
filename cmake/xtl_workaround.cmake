# Debian's xsimd 8 package config links its target to a bare name "xtl" without
# looking for xtl, so every executable gets -lxtl and fails to link. xsimd only
# needs xtl for optional xtl::xcomplex support: use the real xtl when it is
# installed, otherwise stand in an empty target so the name resolves to nothing.
if(TARGET xsimd AND NOT TARGET xtl)
  find_package(xtl QUIET)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
