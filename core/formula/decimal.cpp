#include "formula/decimal.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace crm::formula {

namespace {

using Int = Decimal::Int;
using UInt = unsigned __int128;

constexpr int kPowCount = 39;

struct Powers {
    UInt p[kPowCount];
    constexpr Powers() : p() {
        UInt v = 1;
        for (int i = 0; i < kPowCount; ++i) {
            p[i] = v;
            v *= 10;
        }
    }
};
constexpr Powers kPow{};
constexpr UInt kLimit = kPow.p[Decimal::kMaxDigits];  // coefficients stay below 10^36

inline UInt Pow10(int n) { return kPow.p[n]; }
inline UInt Magnitude(Int v) { return v < 0 ? static_cast<UInt>(-v) : static_cast<UInt>(v); }

/// Number of decimal digits of v (0 for 0).
int DigitCount(UInt v) {
    int n = 0;
    while (n < kPowCount && v >= kPow.p[n]) ++n;
    return n;
}

/// v / 10^n rounded half away from zero (n may be large: the result is then 0).
Int DivPow10Round(Int v, int n) {
    if (n <= 0) return v;
    if (n >= kPowCount) return 0;
    const UInt m = Magnitude(v);
    const UInt p = Pow10(n);
    UInt q = m / p;
    if ((m % p) * 2 >= p) ++q;
    return v < 0 ? -static_cast<Int>(q) : static_cast<Int>(q);
}

Int DivPow10Trunc(Int v, int n) {
    if (n <= 0) return v;
    if (n >= kPowCount) return 0;
    const UInt q = Magnitude(v) / Pow10(n);
    return v < 0 ? -static_cast<Int>(q) : static_cast<Int>(q);
}

/// v * 10^n when it stays below kLimit.
bool MulPow10(Int v, int n, Int* out) {
    if (n <= 0) {
        *out = v;
        return true;
    }
    if (n > Decimal::kMaxDigits) {
        if (v != 0) return false;
        *out = 0;
        return true;
    }
    if (Magnitude(v) >= kLimit / Pow10(n)) return false;
    *out = v * static_cast<Int>(Pow10(n));
    return true;
}

std::string DigitsOf(UInt v) {
    char buffer[48];
    int i = 47;
    buffer[i] = '\0';
    do {
        buffer[--i] = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    } while (v != 0);
    return std::string(buffer + i);
}

}  // namespace

bool Decimal::Make(Int coefficient, int scale, Decimal* out) {
    // Too many decimals: round them away; too many digits: drop decimals; still too many: overflow.
    if (scale > kMaxScale) {
        coefficient = DivPow10Round(coefficient, scale - kMaxScale);
        scale = kMaxScale;
    }
    while (scale < 0) {
        if (!MulPow10(coefficient, 1, &coefficient)) return false;
        ++scale;
    }
    while (Magnitude(coefficient) >= kLimit) {
        if (scale == 0) return false;
        coefficient = DivPow10Round(coefficient, 1);
        --scale;
    }
    *out = Decimal(coefficient, scale);
    return true;
}

// [SECTION] Conversions

std::optional<Decimal> Decimal::Parse(std::string_view text) {
    const auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    size_t i = 0;
    const size_t n = text.size();
    bool negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    std::string digits;  // significant digits, no leading zeros
    int64_t exponent = 0;
    size_t mantissa = 0;
    for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i, ++mantissa) {
        if (digits.empty() && text[i] == '0') continue;
        if (digits.size() < 60) {
            digits += text[i];
        } else {
            ++exponent;  // digits beyond 60 only count for the magnitude (and rounding below)
        }
    }
    if (i < n && text[i] == '.') {
        ++i;
        for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i, ++mantissa) {
            if (digits.empty() && text[i] == '0') {
                --exponent;
                continue;
            }
            if (digits.size() < 60) {
                digits += text[i];
                --exponent;
            }
        }
    }
    if (mantissa == 0) return std::nullopt;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
        int64_t e = 0;
        size_t count = 0;
        for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i, ++count) {
            if (e < 100000) e = e * 10 + (text[i] - '0');
        }
        if (count == 0) return std::nullopt;
        exponent += exp_negative ? -e : e;
    }
    if (i != n) return std::nullopt;
    if (digits.empty()) return Decimal();
    // value = digits * 10^exponent. Keep at most 37 digits and at most kMaxScale decimals, rounding.
    const int64_t size = static_cast<int64_t>(digits.size());
    int64_t keep = size < 37 ? size : 37;
    if (keep > size + exponent + kMaxScale) keep = size + exponent + kMaxScale;
    if (keep < 0) return Decimal();  // below 10^-18 by more than a rounding
    const int64_t drop = size - keep;
    UInt c = 0;
    for (int64_t k = 0; k < keep; ++k) c = c * 10 + static_cast<UInt>(digits[static_cast<size_t>(k)] - '0');
    if (drop > 0 && digits[static_cast<size_t>(keep)] >= '5') ++c;
    exponent += drop;
    if (c == 0) return Decimal();
    if (exponent > kMaxDigits) return std::nullopt;
    Decimal out;
    if (!Make(negative ? -static_cast<Int>(c) : static_cast<Int>(c), static_cast<int>(-exponent), &out))
        return std::nullopt;
    return out;
}

std::optional<Decimal> Decimal::FromDouble(double value) {
    if (!std::isfinite(value)) return std::nullopt;
    if (value == 0) return Decimal();
    // Fast path: few decimals (the usual amounts, percents and counts).
    static const double kP10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    const double magnitude = std::fabs(value);
    if (magnitude < 9e15 && magnitude >= 1e-6) {
        for (int k = 0; k <= 12; ++k) {
            const double m = std::nearbyint(value * kP10[k]);
            if (std::fabs(m) >= 9007199254740992.0) break;
            if (m / kP10[k] == value) return Decimal(static_cast<Int>(static_cast<int64_t>(m)), k);
        }
    }
    char buffer[40];
    for (int precision = 15; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, value);
        if (precision == 17 || std::strtod(buffer, nullptr) == value) break;
    }
    return Parse(buffer);
}

std::optional<Decimal> Decimal::FromDoubleDigits(double value, int significant) {
    if (!std::isfinite(value)) return std::nullopt;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*e", significant - 1, value);
    return Parse(buffer);
}

double Decimal::ToDouble() const {
    const UInt m = Magnitude(coefficient_);
    if (m < (UInt{1} << 53)) {
        static const double kP10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
        // Both operands are exact doubles, so one division rounds correctly.
        const double d = static_cast<double>(static_cast<int64_t>(coefficient_)) / kP10[scale_];
        return d;
    }
    const std::string text = ToString();
    return std::strtod(text.c_str(), nullptr);
}

std::string Decimal::ToString() const {
    const Decimal d = Normalized();
    std::string digits = DigitsOf(Magnitude(d.coefficient_));
    if (d.scale_ > 0) {
        if (static_cast<int>(digits.size()) <= d.scale_)
            digits.insert(0, static_cast<size_t>(d.scale_ - static_cast<int>(digits.size()) + 1), '0');
        digits.insert(digits.size() - static_cast<size_t>(d.scale_), 1, '.');
    }
    if (d.coefficient_ < 0) digits.insert(0, 1, '-');
    return digits;
}

int64_t Decimal::ToCount() const {
    const Int whole = DivPow10Trunc(coefficient_, scale_);
    constexpr Int kCountLimit = Int{1} << 31;
    if (whole > kCountLimit) return static_cast<int64_t>(kCountLimit);
    if (whole < -kCountLimit) return -static_cast<int64_t>(kCountLimit);
    return static_cast<int64_t>(whole);
}

bool Decimal::ToInt64(int64_t* out) const {
    const Int whole = DivPow10Trunc(coefficient_, scale_);
    if (whole > static_cast<Int>(INT64_MAX) || whole < static_cast<Int>(INT64_MIN)) return false;
    *out = static_cast<int64_t>(whole);
    return true;
}

bool Decimal::IsInteger() const { return scale_ == 0 || Magnitude(coefficient_) % Pow10(scale_) == 0; }

Decimal Decimal::Normalized() const {
    Int c = coefficient_;
    int s = scale_;
    if (c == 0) return Decimal();
    while (s > 0 && c % 10 == 0) {
        c /= 10;
        --s;
    }
    return Decimal(c, s);
}

// [SECTION] Comparison

int Decimal::Compare(const Decimal& a, const Decimal& b) {
    if (a.scale_ == b.scale_) return a.coefficient_ < b.coefficient_ ? -1 : a.coefficient_ > b.coefficient_;
    const int sign_a = (a.coefficient_ > 0) - (a.coefficient_ < 0);
    const int sign_b = (b.coefficient_ > 0) - (b.coefficient_ < 0);
    if (sign_a != sign_b) return sign_a < sign_b ? -1 : 1;
    if (sign_a == 0) return 0;
    const UInt ma = Magnitude(a.coefficient_), mb = Magnitude(b.coefficient_);
    // Both magnitudes within 64 bits (the common case: a field against a literal): align the coarser one
    // on the finer scale in 64-bit arithmetic, which wasm has natively (128-bit division it has not). A
    // product past 64 bits is larger than the other magnitude.
    constexpr UInt kMax64 = ~uint64_t{0};
    if (ma <= kMax64 && mb <= kMax64) {
        uint64_t x = static_cast<uint64_t>(ma), y = static_cast<uint64_t>(mb);
        const int d = a.scale_ - b.scale_;  // within +-kMaxScale: 10^18 fits
        const uint64_t p = static_cast<uint64_t>(Pow10(d > 0 ? d : -d));
        int c = 0;
        if (d > 0) {
            c = y > ~uint64_t{0} / p ? -1 : (y *= p, x < y ? -1 : x > y);
        } else {
            c = x > ~uint64_t{0} / p ? 1 : (x *= p, x < y ? -1 : x > y);
        }
        return sign_a < 0 ? -c : c;
    }
    // Same sign: compare magnitudes, whole parts first, then the decimals aligned (< 10^36 each).
    const UInt wa = ma / Pow10(a.scale_), wb = mb / Pow10(b.scale_);
    int c = 0;
    if (wa != wb) {
        c = wa < wb ? -1 : 1;
    } else {
        const int s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
        const UInt fa = (ma % Pow10(a.scale_)) * Pow10(s - a.scale_);
        const UInt fb = (mb % Pow10(b.scale_)) * Pow10(s - b.scale_);
        c = fa < fb ? -1 : fa > fb;
    }
    return sign_a < 0 ? -c : c;
}

// [SECTION] Arithmetic

bool Decimal::Add(const Decimal& a, const Decimal& b, Decimal* out) {
    // Align on the finer scale; when a coefficient would grow past 36 digits, round to a coarser one.
    for (int s = a.scale_ > b.scale_ ? a.scale_ : b.scale_; s >= 0; --s) {
        Int x = 0, y = 0;
        const bool ok_x = a.scale_ >= s ? (x = DivPow10Round(a.coefficient_, a.scale_ - s), true)
                                        : MulPow10(a.coefficient_, s - a.scale_, &x);
        const bool ok_y = b.scale_ >= s ? (y = DivPow10Round(b.coefficient_, b.scale_ - s), true)
                                        : MulPow10(b.coefficient_, s - b.scale_, &y);
        if (ok_x && ok_y) return Make(x + y, s, out);
    }
    return false;
}

bool Decimal::Sub(const Decimal& a, const Decimal& b, Decimal* out) { return Add(a, b.Negated(), out); }

bool Decimal::Mul(const Decimal& a_in, const Decimal& b_in, Decimal* out) {
    Decimal a = a_in.Normalized(), b = b_in.Normalized();
    while (true) {
        const UInt ma = Magnitude(a.coefficient_), mb = Magnitude(b.coefficient_);
        const UInt max = ~UInt{0} >> 1;
        if (ma == 0 || mb == 0) {
            *out = Decimal();
            return true;
        }
        if (ma <= max / mb) {
            return Make(a.coefficient_ * b.coefficient_, a.scale_ + b.scale_, out);
        }
        // The exact product has more than 38 digits: give up the last decimal of the finer operand.
        if (a.scale_ == 0 && b.scale_ == 0) return false;
        Decimal& finer = a.scale_ >= b.scale_ ? a : b;
        finer = Decimal(DivPow10Round(finer.coefficient_, 1), finer.scale_ - 1);
    }
}

bool Decimal::Div(const Decimal& a, const Decimal& b, Decimal* out) {
    if (b.coefficient_ == 0) return false;
    const UInt ma = Magnitude(a.coefficient_), mb = Magnitude(b.coefficient_);
    UInt q = ma / mb, r = ma % mb;
    int s = a.scale_ - b.scale_;
    const int db = DigitCount(mb);
    // Long division, several digits per step: r * 10^k < 10^38 and q * 10^k < 10^36.
    while (s < kMaxScale && r != 0) {
        int k = kMaxScale - s;
        if (k > 38 - db) k = 38 - db;
        const int dq = DigitCount(q);
        if (k > kMaxDigits - dq) k = kMaxDigits - dq;
        if (k <= 0) break;
        const UInt p = Pow10(k);
        q = q * p + (r * p) / mb;
        r = (r * p) % mb;
        s += k;
    }
    if (r != 0 && r * 2 >= mb) ++q;
    if (q >= kLimit * 10) return false;
    const bool negative = (a.coefficient_ < 0) != (b.coefficient_ < 0);
    const Int signed_q = negative ? -static_cast<Int>(q) : static_cast<Int>(q);
    Decimal result;
    if (!Make(signed_q, s, &result)) return false;
    *out = result.Normalized();
    return true;
}

bool Decimal::Mod(const Decimal& a, const Decimal& b, Decimal* out) {
    if (b.coefficient_ == 0) return false;
    const int s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    Int x = 0, y = 0;
    if (MulPow10(a.coefficient_, s - a.scale_, &x) && MulPow10(b.coefficient_, s - b.scale_, &y)) {
        return Make(x % y, s, out);  // C++'s % has the sign of the dividend
    }
    // Magnitudes too far apart to align: a - b * trunc(a / b).
    Decimal q, product;
    if (!Div(a, b, &q)) return false;
    if (!Mul(b, q.Trunc(0), &product)) return false;
    return Sub(a, product, out);
}

bool Decimal::Pow(const Decimal& a, const Decimal& b, Decimal* out) {
    if (b.IsInteger() && Magnitude(b.coefficient_) <= Pow10(b.scale_) * 1000) {
        int64_t n = 0;
        b.ToInt64(&n);
        const bool invert = n < 0;
        if (invert) n = -n;
        Decimal result = FromInt(1), base = a;
        while (n > 0) {
            if (n & 1) {
                if (!Mul(result, base, &result)) return false;
            }
            n >>= 1;
            if (n > 0 && !Mul(base, base, &base)) return false;
        }
        if (invert) return Div(FromInt(1), result, out);
        *out = result;
        return true;
    }
    const double value = std::pow(a.ToDouble(), b.ToDouble());
    std::optional<Decimal> d = FromDoubleDigits(value, 15);
    if (!d) return false;
    *out = *d;
    return true;
}

bool Decimal::Round(int64_t digits, Decimal* out) const {
    if (digits >= scale_) {
        *out = *this;
        return true;
    }
    const int64_t drop = scale_ - digits;  // >= 1
    const Int q = DivPow10Round(coefficient_, drop > 60 ? 60 : static_cast<int>(drop));
    if (digits >= 0) return Make(q, static_cast<int>(digits), out);
    if (q == 0) {
        *out = Decimal();
        return true;
    }
    return Make(q, static_cast<int>(digits < -60 ? -60 : digits), out);
}

Decimal Decimal::Trunc(int64_t digits) const {
    if (digits >= scale_) return *this;
    const int64_t drop = scale_ - digits;
    const Int q = DivPow10Trunc(coefficient_, drop > 60 ? 60 : static_cast<int>(drop));
    if (digits >= 0) return Decimal(q, static_cast<int>(digits));
    Decimal out;
    if (q == 0 || !Make(q, static_cast<int>(digits < -60 ? -60 : digits), &out)) return Decimal();
    return out;
}

bool Decimal::AwayFromZero(Decimal* out) const {
    const Decimal whole = Trunc(0);
    if (whole == *this) {
        *out = whole;
        return true;
    }
    return Add(whole, FromInt(coefficient_ < 0 ? -1 : 1), out);
}

}  // namespace crm::formula
