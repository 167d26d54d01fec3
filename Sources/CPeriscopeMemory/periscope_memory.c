// The module's only function is the inline one in include/periscope_memory.h; this file gives the target the source
// file a C target needs.
#include "periscope_memory.h"
