# berth_register_unit_test(<target>): remember a unit-test executable.
# scripts/test.sh builds only these (target berth_unit_test_binaries) for the
# ASan+UBSan run instead of the whole tree, which keeps CI within its time.
function(berth_register_unit_test target)
  set_property(GLOBAL APPEND PROPERTY BERTH_UNIT_TEST_TARGETS ${target})
endfunction()
