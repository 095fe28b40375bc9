// The access engine: see access.h.
#include "access/access.h"
