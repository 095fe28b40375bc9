// A monotonic clock for timing work (the execution log's µs per rule run): steady_clock natively; in
// WebAssembly performance.now(), read directly: Emscripten 3.1.6's steady_clock goes through clock_gettime to
// Node's process.hrtime, an array made on each read, which cost more than the rule runs it timed.
#pragma once

namespace crm {

/// Microseconds since an arbitrary start; only differences mean anything.
double MonotonicMicros();

}  // namespace crm
