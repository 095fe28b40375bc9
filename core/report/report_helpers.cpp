// The pure parts of reports: names, filter logic, relative dates, date buckets, summary formulas, CSV.
#include <cctype>
#include <cstdlib>

#include "common/text.h"
#include "formula/value.h"
#include "report/report.h"

namespace crm {

using formula::Decimal;

const char* ReportFormatName(ReportFormat f) {
    switch (f) {
        case ReportFormat::Summary:
            return "summary";
        case ReportFormat::Matrix:
            return "matrix";
        default:
            return "tabular";
    }
}

const char* AggregateFnName(AggregateFn fn) {
    static const char* const kNames[] = {"count", "sum", "avg", "min", "max", "count_distinct", "median"};
    return kNames[static_cast<int>(fn)];
}

const char* DateBucketName(DateBucket b) {
    static const char* const kNames[] = {"",        "day",  "week",           "month",
                                         "quarter", "year", "fiscal_quarter", "fiscal_year"};
    return kNames[static_cast<int>(b)];
}

// [SECTION] Filter logic

namespace {

class LogicParser {
public:
    LogicParser(std::string_view text, int count) : text_(text), count_(count) {}

    Result<LogicNode> Parse() {
        Result<LogicNode> n = Or();
        if (!n.ok()) return n;
        Skip();
        if (pos_ < text_.size()) return Fail("an AND, an OR or the end");
        return n;
    }

private:
    void Skip() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool Word(const char* w) {
        Skip();
        const size_t n = std::char_traits<char>::length(w);
        if (pos_ + n > text_.size() || ToUpperAscii(text_.substr(pos_, n)) != w) return false;
        if (pos_ + n < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_ + n])))
            return false;
        pos_ += n;
        return true;
    }
    Error Fail(const std::string& expected) {
        Skip();
        std::string found = pos_ < text_.size() ? "\"" + std::string(1, text_[pos_]) + "\"" : "the end";
        Error e("report.filter_logic",
                "The filter logic has " + found + " at character " + std::to_string(pos_ + 1) + " where " +
                    expected + " was expected.",
                "filter_logic", 0, static_cast<int>(pos_ + 1));
        return e;
    }
    Result<LogicNode> Or() { return Chain("OR", LogicNode::Or); }
    Result<LogicNode> And() { return Chain("AND", LogicNode::And); }
    Result<LogicNode> Chain(const char* word, LogicNode::Kind kind) {
        Result<LogicNode> first = kind == LogicNode::Or ? And() : Unary();
        if (!first.ok()) return first;
        LogicNode node;
        node.kind = kind;
        node.children.push_back(*first);
        while (Word(word)) {
            Result<LogicNode> next = kind == LogicNode::Or ? And() : Unary();
            if (!next.ok()) return next;
            node.children.push_back(*next);
        }
        if (node.children.size() == 1) return node.children.front();
        return node;
    }
    Result<LogicNode> Unary() {
        if (Word("NOT")) {
            Result<LogicNode> inner = Unary();
            if (!inner.ok()) return inner;
            LogicNode n;
            n.kind = LogicNode::Not;
            n.children.push_back(*inner);
            return n;
        }
        Skip();
        if (pos_ < text_.size() && text_[pos_] == '(') {
            ++pos_;
            Result<LogicNode> inner = Or();
            if (!inner.ok()) return inner;
            Skip();
            if (pos_ >= text_.size() || text_[pos_] != ')') return Fail("\")\"");
            ++pos_;
            return inner;
        }
        if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
            const size_t start = pos_;
            int n = 0;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) && n < 100000)
                n = n * 10 + (text_[pos_++] - '0');
            if (n < 1 || n > count_) {
                pos_ = start;
                return Error("report.filter_logic",
                             "The filter logic names filter " + std::to_string(n) + " at character " +
                                 std::to_string(start + 1) + ", but the report has " +
                                 std::to_string(count_) + " filters.",
                             "filter_logic", 0, static_cast<int>(start + 1));
            }
            LogicNode node;
            node.ref = n;
            return node;
        }
        return Fail("a filter number, NOT or \"(\"");
    }

    std::string_view text_;
    int count_;
    size_t pos_ = 0;
};

}  // namespace

Result<LogicNode> ParseFilterLogic(std::string_view text, int filter_count) {
    if (IsBlank(text))
        return Error("report.filter_logic", "The filter logic is empty.", "filter_logic", 0, 1);
    return LogicParser(text, filter_count).Parse();
}

// [SECTION] Relative dates and buckets

namespace {

/// The first day of the fiscal year containing `days`, and the fiscal year's name (the year it ends in).
std::pair<int64_t, int> FiscalYearStart(int64_t days, int start_month) {
    const formula::CivilDate c = formula::CivilFromDays(days);
    int year = c.month >= start_month ? c.year : c.year - 1;
    return {formula::DaysFromCivil(year, start_month, 1), start_month == 1 ? year : year + 1};
}

int64_t AddMonths(int year, int month, int add) {
    const int total = year * 12 + (month - 1) + add;
    const int y = total >= 0 ? total / 12 : (total - 11) / 12;
    return formula::DaysFromCivil(y, total - y * 12 + 1, 1);
}

int64_t MondayOf(int64_t days) {
    const int64_t weekday = ((days + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
    return days - weekday;
}

}  // namespace

std::optional<DayRange> RelativeDateRange(std::string_view text_in, int64_t today, int fsm) {
    size_t a = 0, b = text_in.size();
    while (a < b && std::isspace(static_cast<unsigned char>(text_in[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(text_in[b - 1]))) --b;
    const std::string text = ToUpperAscii(text_in.substr(a, b - a));
    const formula::CivilDate c = formula::CivilFromDays(today);
    auto n_days = [&](const char* prefix) -> std::optional<int64_t> {
        const size_t len = std::char_traits<char>::length(prefix);
        if (text.compare(0, len, prefix) != 0 || text.size() == len || text.size() > len + 5)
            return std::nullopt;
        int64_t n = 0;
        for (size_t i = len; i < text.size(); ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
            n = n * 10 + (text[i] - '0');
        }
        return n;
    };
    const int64_t week = MondayOf(today);
    const int64_t month = formula::DaysFromCivil(c.year, c.month, 1);
    const int q_month = (c.month - 1) / 3 * 3 + 1;
    const auto [fy_start, fy_name] = FiscalYearStart(today, fsm);
    (void)fy_name;
    const formula::CivilDate fs = formula::CivilFromDays(fy_start);
    const int months_in = (c.year - fs.year) * 12 + (c.month - fs.month);
    const int64_t fq_start = AddMonths(fs.year, fs.month, months_in / 3 * 3);
    const formula::CivilDate fq = formula::CivilFromDays(fq_start);
    if (text == "TODAY") return DayRange{today, today + 1};
    if (text == "YESTERDAY") return DayRange{today - 1, today};
    if (text == "TOMORROW") return DayRange{today + 1, today + 2};
    if (text == "THIS_WEEK") return DayRange{week, week + 7};
    if (text == "LAST_WEEK") return DayRange{week - 7, week};
    if (text == "NEXT_WEEK") return DayRange{week + 7, week + 14};
    if (text == "THIS_MONTH") return DayRange{month, AddMonths(c.year, c.month, 1)};
    if (text == "LAST_MONTH") return DayRange{AddMonths(c.year, c.month, -1), month};
    if (text == "NEXT_MONTH") return DayRange{AddMonths(c.year, c.month, 1), AddMonths(c.year, c.month, 2)};
    if (text == "THIS_QUARTER")
        return DayRange{formula::DaysFromCivil(c.year, q_month, 1), AddMonths(c.year, q_month, 3)};
    if (text == "LAST_QUARTER")
        return DayRange{AddMonths(c.year, q_month, -3), formula::DaysFromCivil(c.year, q_month, 1)};
    if (text == "THIS_YEAR")
        return DayRange{formula::DaysFromCivil(c.year, 1, 1), formula::DaysFromCivil(c.year + 1, 1, 1)};
    if (text == "LAST_YEAR")
        return DayRange{formula::DaysFromCivil(c.year - 1, 1, 1), formula::DaysFromCivil(c.year, 1, 1)};
    if (text == "THIS_FISCAL_QUARTER") return DayRange{fq_start, AddMonths(fq.year, fq.month, 3)};
    if (text == "LAST_FISCAL_QUARTER") return DayRange{AddMonths(fq.year, fq.month, -3), fq_start};
    if (text == "THIS_FISCAL_YEAR") return DayRange{fy_start, AddMonths(fs.year, fs.month, 12)};
    if (text == "LAST_FISCAL_YEAR") return DayRange{AddMonths(fs.year, fs.month, -12), fy_start};
    // LAST_N_DAYS:n is the n days before today and today (Salesforce counts today in); NEXT_N_DAYS:n the
    // n days after today and today.
    if (auto n = n_days("LAST_N_DAYS:")) return DayRange{today - *n, today + 1};
    if (auto n = n_days("NEXT_N_DAYS:")) return DayRange{today, today + *n + 1};
    return std::nullopt;
}

int64_t DateBucketKey(DateBucket b, int64_t days, int fsm) {
    switch (b) {
        case DateBucket::None:
        case DateBucket::Day:
            return days;
        case DateBucket::Week:
            return MondayOf(days);
        default:
            break;
    }
    const formula::CivilDate c = formula::CivilFromDays(days);
    switch (b) {
        case DateBucket::Month:
            return int64_t{c.year} * 100 + c.month;
        case DateBucket::Quarter:
            return int64_t{c.year} * 10 + (c.month - 1) / 3 + 1;
        case DateBucket::Year:
            return c.year;
        default:
            break;
    }
    const int start_year = c.month >= fsm ? c.year : c.year - 1;
    const int fy = fsm == 1 ? start_year : start_year + 1;
    const int month_in = (c.month - fsm + 12) % 12;
    if (b == DateBucket::FiscalYear) return fy;
    return int64_t{fy} * 10 + month_in / 3 + 1;
}

std::string DateBucketLabel(DateBucket b, int64_t key) {
    switch (b) {
        case DateBucket::None:
        case DateBucket::Day:
        case DateBucket::Week:
            return formula::FormatDate(key);
        case DateBucket::Month: {
            char buf[48];
            std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(key / 100),
                          static_cast<long long>(key % 100));
            return buf;
        }
        case DateBucket::Quarter:
            return std::to_string(key / 10) + " Q" + std::to_string(key % 10);
        case DateBucket::Year:
            return std::to_string(key);
        case DateBucket::FiscalQuarter:
            return "FY" + std::to_string(key / 10) + " Q" + std::to_string(key % 10);
        case DateBucket::FiscalYear:
            return "FY" + std::to_string(key);
    }
    return std::to_string(key);
}

// [SECTION] Summary formulas

namespace {

class SummaryEval {
public:
    SummaryEval(std::string_view text, const std::function<std::optional<Decimal>(std::string_view)>& value,
                const std::function<bool(std::string_view)>& known, bool* div_zero)
        : text_(text), value_(value), known_(known), div_zero_(div_zero) {}

    Result<std::optional<Decimal>> Run() {
        Result<std::optional<Decimal>> v = Sum();
        if (!v.ok()) return v;
        Skip();
        if (pos_ < text_.size()) return Fail("an operator or the end");
        return v;
    }

private:
    using R = Result<std::optional<Decimal>>;
    void Skip() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    Error Fail(const std::string& expected) {
        return Error("report.summary_formula",
                     "The summary formula has a problem at character " + std::to_string(pos_ + 1) + ": " +
                         expected + " was expected.",
                     "formulas", 0, static_cast<int>(pos_ + 1));
    }
    R Sum() {
        R left = Product();
        if (!left.ok()) return left;
        std::optional<Decimal> acc = *left;
        for (;;) {
            Skip();
            if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) return acc;
            const char op = text_[pos_++];
            R right = Product();
            if (!right.ok()) return right;
            if (!acc || !*right) {
                acc.reset();
                continue;
            }
            Decimal out;
            if (!(op == '+' ? Decimal::Add(*acc, **right, &out) : Decimal::Sub(*acc, **right, &out))) {
                acc.reset();
                continue;
            }
            acc = out;
        }
    }
    R Product() {
        R left = Unary();
        if (!left.ok()) return left;
        std::optional<Decimal> acc = *left;
        for (;;) {
            Skip();
            if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/')) return acc;
            const char op = text_[pos_++];
            R right = Unary();
            if (!right.ok()) return right;
            if (!acc || !*right) {
                acc.reset();
                continue;
            }
            Decimal out;
            if (op == '/' && (*right)->IsZero()) {
                *div_zero_ = true;
                acc.reset();
                continue;
            }
            if (!(op == '*' ? Decimal::Mul(*acc, **right, &out) : Decimal::Div(*acc, **right, &out))) {
                acc.reset();
                continue;
            }
            acc = out;
        }
    }
    R Unary() {
        Skip();
        if (pos_ < text_.size() && text_[pos_] == '-') {
            ++pos_;
            R v = Unary();
            if (!v.ok() || !*v) return v;
            return std::optional<Decimal>((*v)->Negated());
        }
        if (pos_ < text_.size() && text_[pos_] == '(') {
            ++pos_;
            R v = Sum();
            if (!v.ok()) return v;
            Skip();
            if (pos_ >= text_.size() || text_[pos_] != ')') return Fail("\")\"");
            ++pos_;
            return v;
        }
        const size_t start = pos_;
        if (pos_ < text_.size() &&
            (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
            while (pos_ < text_.size() &&
                   (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.'))
                ++pos_;
            std::optional<Decimal> d = Decimal::Parse(text_.substr(start, pos_ - start));
            if (!d) {
                pos_ = start;
                return Fail("a number");
            }
            return std::optional<Decimal>(*d);
        }
        while (pos_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            ++pos_;
        if (pos_ == start) return Fail("a number, an aggregate name or \"(\"");
        const std::string_view name = text_.substr(start, pos_ - start);
        if (!known_(name)) {
            pos_ = start;
            return Error("report.summary_formula",
                         "The summary formula names " + std::string(name) + " at character " +
                             std::to_string(start + 1) + ", which is not one of the report's aggregates.",
                         "formulas", 0, static_cast<int>(start + 1));
        }
        return value_(name);
    }

    std::string_view text_;
    const std::function<std::optional<Decimal>(std::string_view)>& value_;
    const std::function<bool(std::string_view)>& known_;
    bool* div_zero_;
    size_t pos_ = 0;
};

}  // namespace

Result<std::optional<Decimal>> EvalSummaryFormula(
    std::string_view expression, const std::function<std::optional<Decimal>(std::string_view)>& value,
    const std::function<bool(std::string_view)>& known, bool* div_zero) {
    bool dz = false;
    Result<std::optional<Decimal>> r = SummaryEval(expression, value, known, &dz).Run();
    if (div_zero) *div_zero = *div_zero || dz;
    return r;
}

// [SECTION] CSV

std::string CsvField(std::string_view text) {
    std::string s(text);
    if (!s.empty() &&
        (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
        // A negative number stays a number; anything else starting like a formula is made text.
        bool number = s[0] == '-' && s.size() > 1;
        for (size_t i = 1; number && i < s.size(); ++i)
            number = std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.';
        if (!number) s = "'" + s;
    }
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

}  // namespace crm
