# Warnings for our own targets only (third-party headers come in as SYSTEM).
# -Wno-missing-field-initializers: descriptors and ops tables are written
# with designated initializers that leave reserved and not-yet-used fields
# zero on purpose; that zero is how the ABI grows.
function(berth_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wno-missing-field-initializers
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
endfunction()
