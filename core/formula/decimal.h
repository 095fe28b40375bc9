// Decimal numbers of the formula language: an exact decimal, as people count money.
//
// A Decimal is coefficient * 10^-scale, with a signed 128-bit integer coefficient of at most 36
// digits (|coefficient| < 10^36) and a scale of 0 to 18 decimals. There is no negative zero and no
// NaN or infinity: a result that does not fit is an error the caller reports.
//   - + - * are exact while the result fits in 36 digits with at most 18 decimals; beyond, the
//     result keeps its 36 most significant digits (decimals are rounded half away from zero).
//   - / gives 18 decimals (or as many as fit in 36 digits), the last one rounded half away from zero:
//     1 / 3 = 0.333333333333333333.
//   - Rounding (Round) is half away from zero; Trunc goes toward zero.
//   - Doubles (REAL columns, Value::Number(double)) convert through their shortest round-trip
//     decimal: 0.1 reads as 0.1, 0.1 + 0.2 computed in binary reads as 0.30000000000000004.
//   - Text has no exponent: "1234567890123456", "0.00001".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::formula {

class Decimal {
public:
    using Int = __int128;
    static constexpr int kMaxScale = 18;
    static constexpr int kMaxDigits = 36;

    /// Zero.
    constexpr Decimal() = default;
    static Decimal FromInt(int64_t value) { return Decimal(value, 0); }
    /// The shortest decimal that reads back as `value`; nothing for NaN, infinities and magnitudes
    /// of 10^36 or more. Magnitudes below 10^-18 round to 18 decimals (5e-19 -> 0.000000000000000001).
    static std::optional<Decimal> FromDouble(double value);
    /// `value` rounded to `significant` digits (for SQRT, EXP, LN, LOG, computed in binary).
    static std::optional<Decimal> FromDoubleDigits(double value, int significant);
    /// "-12.50", "1e3", "  .5 " (spaces around allowed); nothing for anything else or out of range.
    static std::optional<Decimal> Parse(std::string_view text);

    /// The nearest double.
    double ToDouble() const;
    /// "-12.5", "1234567890123456", "0.00001": no exponent, no trailing zeros, never "-0".
    std::string ToString() const;
    /// Truncated toward zero and clamped to +-2^31 (positions, counts, days).
    int64_t ToCount() const;
    /// Truncated toward zero; false when it does not fit an int64.
    bool ToInt64(int64_t* out) const;

    bool IsZero() const { return coefficient_ == 0; }
    bool IsNegative() const { return coefficient_ < 0; }
    bool IsInteger() const;
    Int coefficient() const { return coefficient_; }
    int scale() const { return scale_; }

    /// -1, 0 or 1.
    static int Compare(const Decimal& a, const Decimal& b);
    friend bool operator==(const Decimal& a, const Decimal& b) { return Compare(a, b) == 0; }
    friend bool operator!=(const Decimal& a, const Decimal& b) { return Compare(a, b) != 0; }
    friend bool operator<(const Decimal& a, const Decimal& b) { return Compare(a, b) < 0; }

    // Arithmetic: false (and *out untouched) when the result is out of range or divides by zero.
    static bool Add(const Decimal& a, const Decimal& b, Decimal* out);
    static bool Sub(const Decimal& a, const Decimal& b, Decimal* out);
    static bool Mul(const Decimal& a, const Decimal& b, Decimal* out);
    static bool Div(const Decimal& a, const Decimal& b, Decimal* out);
    /// a - b * trunc(a / b), exact: the sign of a. False for b = 0.
    static bool Mod(const Decimal& a, const Decimal& b, Decimal* out);
    /// a^b: exact repeated multiplication for a whole b (|b| <= 1000, a negative b divides), else in
    /// binary floating point rounded to 15 significant digits. False when not a real number or too large.
    static bool Pow(const Decimal& a, const Decimal& b, Decimal* out);

    Decimal Negated() const { return Decimal(-coefficient_, scale_); }
    Decimal Abs() const { return coefficient_ < 0 ? Negated() : *this; }
    /// Half away from zero at `digits` decimals (negative: tens, hundreds...). False on overflow.
    bool Round(int64_t digits, Decimal* out) const;
    /// Toward zero at `digits` decimals.
    Decimal Trunc(int64_t digits) const;
    /// Whole number away from zero (2.1 -> 3, -2.1 -> -3). False on overflow.
    bool AwayFromZero(Decimal* out) const;
    /// Without trailing zeros in the decimals (1.500 -> 1.5).
    Decimal Normalized() const;

private:
    constexpr Decimal(Int coefficient, int scale)
        : coefficient_(coefficient), scale_(static_cast<int8_t>(scale)) {}
    static bool Make(Int coefficient, int scale, Decimal* out);
    // Kept at 8-byte alignment, not __int128's 16: wasm32's operator new aligns to 8, so a 16-aligned
    // Decimal made every vector of Values take the over-aligned allocation path (dlmalloc's memalign:
    // 32 ms of a 700 ms wasm import profile).
    typedef Int StoredInt __attribute__((aligned(8)));
    StoredInt coefficient_ = 0;
    int8_t scale_ = 0;
};
static_assert(alignof(Decimal) <= 8, "a Decimal allocates with plain operator new on every target");

}  // namespace crm::formula
