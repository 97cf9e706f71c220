# Writes OUT from IN with the current git commit, at build time (not only at configure time),
# so `assay --version` and runs.git_commit name the commit the binary was built from.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE ASSAY_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE _dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT ASSAY_GIT_COMMIT)
  set(ASSAY_GIT_COMMIT "unknown")
elseif(_dirty)
  string(APPEND ASSAY_GIT_COMMIT "-dirty")
endif()
configure_file(${IN} ${OUT}.tmp @ONLY)
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
