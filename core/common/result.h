// Error values for everything a user, a file or the network can get wrong.
// A bug is an assert; bad input is an Error carried by Result<T> / Status.
#pragma once
#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace crm {

/// The named parameters of a message ("object" -> "Account"), in order.
using MessageParams = std::vector<std::pair<std::string, std::string>>;

/// What went wrong, in words a person understands, and where it applies.
struct Error {
    Error() = default;
    Error(std::string code_, std::string message_, std::string field_ = {}, int line_ = 0, int position_ = 0)
        : code(std::move(code_)),
          message(std::move(message_)),
          field(std::move(field_)),
          line(line_),
          position(position_) {}

    std::string code;      ///< stable machine-readable code, e.g. "company.invalid_currency"
    std::string message;   ///< a sentence for the user: what is wrong and what to do
    std::string field;     ///< the field or argument it applies to, if any
    int line = 0;          ///< 1-based line in an input text, 0 when not applicable
    int position = 0;      ///< 1-based column/character position, 0 when not applicable
    std::string id;        ///< the catalog message it was made from (common/messages.h), or empty
    MessageParams params;  ///< that message's parameters
};

/// Either a value or an Error.
template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const {
        assert(ok());
        return std::get<0>(v_);
    }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

private:
    std::variant<T, Error> v_;
};

/// Success or an Error.
class Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)) {}
    static Status Ok() { return Status(); }
    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        assert(!ok());
        return *error_;
    }

private:
    std::optional<Error> error_;
};

inline Error MakeError(std::string code, std::string message, std::string field = {}) {
    return Error{std::move(code), std::move(message), std::move(field), 0, 0};
}

}  // namespace crm

/// Returns the error of a failing Status (the value of `expr`) from the enclosing function, which
/// answers a Status or a Result.
#define CRM_TRY(expr)                                        \
    do {                                                     \
        if (Status s_ = (expr); !s_.ok()) return s_.error(); \
    } while (0)
