/* Refused with "missing entry symbol": named like a plugin
 * (libberth-authz-noentry.so.1) but exports no berth_plugin_v1, like a stray
 * library dropped into a plugin directory. It does export one other function
 * so the file is a real, non-empty shared object with a dynamic symbol table. */
#include <berth/abi.h>

BERTH_EXTERN_C BERTH_EXPORT int berth_test_not_a_plugin(void);

int berth_test_not_a_plugin(void) { return 42; }
