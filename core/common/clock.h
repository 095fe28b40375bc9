// The source of "now" for the core; tests and the demo generator use a fixed clock.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

/// Milliseconds since the Unix epoch, UTC.
class Clock {
public:
    virtual ~Clock() = default;
    virtual int64_t NowMs() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
public:
    int64_t NowMs() const override;
};

/// A clock that returns what it is told; advances only when asked.
class FixedClock final : public Clock {
public:
    explicit FixedClock(int64_t now_ms) : now_ms_(now_ms) {}
    int64_t NowMs() const override { return now_ms_; }
    void Set(int64_t now_ms) { now_ms_ = now_ms; }
    void Advance(int64_t ms) { now_ms_ += ms; }

private:
    int64_t now_ms_;
};

/// "2026-11-26T16:55:29Z" for a Unix time in milliseconds.
std::string FormatUtcIso8601(int64_t ms);

/// Reads a UTC date or date-time: "2026-11-26", "2026-11-26T16:55", "2026-11-26T16:55:29",
/// "2026-11-26T16:55:29.250Z" (a trailing "Z" is optional; a space may replace the "T").
/// Returns Unix milliseconds, or nothing when the text is not such a date.
std::optional<int64_t> ParseUtcIso8601(std::string_view text);

}  // namespace crm
