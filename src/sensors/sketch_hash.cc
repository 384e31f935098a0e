// SketchHash is inline in sketch_hash.h (XXH_INLINE_ALL); this file keeps
// the header's own compilation unit so include errors show up here first.
#include "sensors/sketch_hash.h"
