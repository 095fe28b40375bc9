#include "api/command.h"

#include <algorithm>

#include "common/clock.h"
#include "common/error_text.h"
#include "common/messages.h"
#include "common/text.h"
#include "workspace.h"

namespace crm::api {

// [SECTION] Messages: the api area's catalog (common/messages.h)

namespace {

const MessageDef kApiMessages[] = {
    {"api.no_argument_taken", "{command} has no argument {name}; it takes none.",
     "{command} 没有参数 {name}；它不接受任何参数。"},
    {"api.no_such_argument", "{command} has no argument {name}; it takes {names}.",
     "{command} 没有参数 {name}；它接受的参数为 {names}。"},
    {"api.no_such_argument_close",
     "{command} has no argument {name}; it takes {names}. Did you mean {close}?",
     "{command} 没有参数 {name}；它接受的参数为 {names}。您是不是要找 {close}？"},
    {"api.required", "\"{name}\" is required.", "\"{name}\" 为必填项。"},
    {"api.not_string", "\"{name}\" must be a string, not {type:t}.",
     "\"{name}\" 必须是字符串，而不是{type:t}。"},
    {"api.not_integer", "\"{name}\" must be a whole number, not {value}.",
     "\"{name}\" 必须是整数，而不是 {value}。"},
    {"api.not_id", "\"{name}\" must be a record id (a positive whole number).",
     "\"{name}\" 必须是记录 ID（正整数）。"},
    {"api.not_boolean", "\"{name}\" must be true or false, not {value}.",
     "\"{name}\" 必须是 true 或 false，而不是 {value}。"},
    {"api.not_time",
     "\"{name}\" must be a UTC date such as \"2026-01-31\" or \"2026-01-31T08:00:00Z\", or Unix "
     "milliseconds; "
     "got {value}.",
     "\"{name}\" 必须是 UTC 日期，例如 \"2026-01-31\" 或 \"2026-01-31T08:00:00Z\"，或 Unix 毫秒数；收到的是 "
     "{value}。"},
    {"api.not_object", "\"{name}\" must be a JSON object.", "\"{name}\" 必须是 JSON 对象。"},
    {"api.not_array", "\"{name}\" must be a JSON array.", "\"{name}\" 必须是 JSON 数组。"},
    {"api.needs_one_of", "You need the system permission {one} or {other} for this.",
     "此操作需要系统权限“{one:t}”或“{other:t}”。"},
    {"api.system_actor", "{name} is the core's own system actor, not a user.",
     "{name} 是系统内部的操作者，不是用户。"},
};
CRM_REGISTER_MESSAGES(kApiMessages);

}  // namespace

// [SECTION] Arguments

namespace {

/// What the docs call a type, and the message that says what a value of it must be.
struct ArgTypeText {
    const char* name;
    const char* error_id;
};

ArgTypeText TextOf(ArgType type) {
    switch (type) {
        case ArgType::String:
            return {"string", "api.not_string"};
        case ArgType::Integer:
            return {"integer", "api.not_integer"};
        case ArgType::Id:
            return {"integer", "api.not_id"};
        case ArgType::Boolean:
            return {"boolean", "api.not_boolean"};
        case ArgType::Time:
            return {"date|datetime|ms", "api.not_time"};
        case ArgType::Object:
            return {"object", "api.not_object"};
        case ArgType::Array:
            return {"array", "api.not_array"};
        case ArgType::Value:
            return {"value", "api.not_object"};
    }
    return {"value", "api.not_object"};
}

// The error that says what a value of `a`'s type must be.
Error TypeError(const Arg& a, const json& v) {
    MessageParams params = {{"name", a.name}, {"value", v.dump()}};
    if (a.type == ArgType::String) params = {{"name", a.name}, {"type", v.type_name()}};
    return MessageError("invalid_argument", TextOf(a.type).error_id, std::move(params), a.name);
}

bool HasType(const Arg& a, const json& v) {
    switch (a.type) {
        case ArgType::String:
            return v.is_string();
        case ArgType::Integer:
            return v.is_number_integer();
        case ArgType::Id:
            return v.is_number_unsigned() ? v.get<uint64_t>() > 0 && v.get<uint64_t>() <= INT64_MAX
                                          : v.is_number_integer() && v.get<int64_t>() > 0;
        case ArgType::Boolean:
            return v.is_boolean();
        case ArgType::Time:
            return v.is_number_integer() || (v.is_string() && ParseUtcIso8601(v.get<std::string>()));
        case ArgType::Object:
            return v.is_object();
        case ArgType::Array:
            return v.is_array();
        case ArgType::Value:
            return true;
    }
    return false;
}

bool Present(const json& args, const char* key) {
    auto it = args.find(key);
    return it != args.end() && !it->is_null();
}

}  // namespace

std::string ArgListText(const std::vector<Arg>& args) {
    std::string out;
    for (const Arg& a : args) {
        if (!out.empty()) out += ", ";
        out += a.name;
        out += a.required ? ": " : "?: ";
        out += a.doc ? a.doc : TextOf(a.type).name;
    }
    return out;
}

Status ValidateArgs(const std::string& command, const std::vector<Arg>& declared, const json& args) {
    std::vector<std::string> names;
    for (const Arg& a : declared) names.push_back(a.name);
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (std::find(names.begin(), names.end(), it.key()) != names.end()) continue;
        MessageParams params = {{"command", Quote(command)}, {"name", Quote(it.key())}};
        if (names.empty()) return MessageError("invalid_argument", "api.no_argument_taken", params, it.key());
        std::string list;
        for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
        params.emplace_back("names", list);
        const std::string close = ClosestMatch(it.key(), names);
        if (close.empty()) return MessageError("invalid_argument", "api.no_such_argument", params, it.key());
        params.emplace_back("close", Quote(close));
        return MessageError("invalid_argument", "api.no_such_argument_close", params, it.key());
    }
    for (const Arg& a : declared) {
        if (!Present(args, a.name)) {
            if (a.required)
                return MessageError("invalid_argument", "api.required", {{"name", a.name}}, a.name);
            continue;
        }
        const json& v = args.at(a.name);
        if (!HasType(a, v)) return TypeError(a, v);
        if (a.required && a.type == ArgType::String && v.get<std::string>().empty())
            return MessageError("invalid_argument", "api.required", {{"name", a.name}}, a.name);
    }
    return Status::Ok();
}

// [SECTION] Reads

Reads PublicFacts() { return Reads{Reads::Kind::Public, {}, nullptr, ""}; }
Reads SetupData(const char* what, std::vector<SystemPermission> any_of, const char* self_arg) {
    return Reads{Reads::Kind::Setup, std::move(any_of), self_arg, what};
}
Reads ObjectMetadata() { return Reads{Reads::Kind::Schema, {}, nullptr, "the object's metadata"}; }
Reads ObjectRecords() { return Reads{Reads::Kind::Records, {}, nullptr, "the object's records"}; }
Reads OwnItems() { return Reads{Reads::Kind::Own, {}, nullptr, "your own list views of the object"}; }

std::string ReadsText(const Reads& reads) {
    switch (reads.kind) {
        case Reads::Kind::Public:
            return "any active user";
        case Reads::Kind::Schema:
            return "Customize Schema, or Read on the object (fields trimmed to readable)";
        case Reads::Kind::Records:
            return "Read on the object; records and fields trimmed to the user's access";
        case Reads::Kind::Own:
            return "Read on the object; the acting user's own items only";
        case Reads::Kind::Setup:
            break;
    }
    std::string out;
    for (size_t i = 0; i < reads.any_of.size(); ++i) {
        if (i) out += " or ";
        out += SystemPermissionLabel(reads.any_of[i]);
    }
    if (reads.self_arg) out += std::string(" (or `") + reads.self_arg + "` naming the acting user)";
    return out;
}

// [SECTION] Call

std::string Call::Str(const char* key, std::string fallback) const {
    auto it = args.find(key);
    return it != args.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int Call::Int(const char* key, int fallback) const {
    auto it = args.find(key);
    if (it == args.end() || !it->is_number_integer()) return fallback;
    // Clamped to the int range here; the service clamps further to what it allows.
    return it->is_number_unsigned() ? static_cast<int>(std::min<uint64_t>(it->get<uint64_t>(), 1u << 30))
                                    : static_cast<int>(std::clamp<int64_t>(
                                          it->get<int64_t>(), -(int64_t{1} << 30), int64_t{1} << 30));
}

int64_t Call::Id(const char* key) const {
    auto it = args.find(key);
    return it != args.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool Call::Bool(const char* key, bool fallback) const {
    auto it = args.find(key);
    return it != args.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::optional<int64_t> Call::Time(const char* key) const {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return std::nullopt;
    if (it->is_number_unsigned())
        return static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX));
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_string()) return ParseUtcIso8601(it->get<std::string>());
    return std::nullopt;
}

const json* Call::Obj(const char* key) const {
    auto it = args.find(key);
    return it != args.end() && !it->is_null() ? &*it : nullptr;
}

bool Call::Holds(SystemPermission permission) const {
    return workspace.access().HasSystemPermission(actor, permission);
}

bool Call::CanReadObject(const std::string& object) const {
    return workspace.access().Decide(actor, ObjectAction::Read, object).allowed;
}

bool Call::SeesField(const std::string& object, const std::string& field) const {
    if (Holds(SystemPermission::CustomizeSchema)) return true;
    auto o = workspace.schema().Object(object);
    if (!o.ok()) return false;
    const FieldDef* f = (*o)->Field(field);
    return f && workspace.access().policy().CanReadField(actor, **o, *f);
}

// [SECTION] Formulas

namespace {

/// The names of an object's formula resolver that the actor may read: an unreadable field is as unknown
/// as a missing one, so a formula cannot be used to learn of it.
class ReadableFields final : public formula::FieldResolver {
public:
    ReadableFields(const ObjectResolver& inner, const ObjectDef& object, Call& call)
        : inner_(inner), object_(object), call_(call) {}
    const formula::FieldInfo* Find(std::string_view name) const override {
        const formula::FieldInfo* info = inner_.Find(name);
        return info && Readable(*info) ? info : nullptr;
    }
    std::vector<std::string> Names() const override {
        std::vector<std::string> names;
        for (const std::string& n : inner_.Names()) {
            if (Find(n)) names.push_back(n);
        }
        return names;
    }

private:
    bool Readable(const formula::FieldInfo& info) const {
        if (const ObjectResolver::Path* path = inner_.PathAt(info.index)) {
            const FieldDef& lookup = object_.fields[static_cast<size_t>(path->lookup_index)];
            return call_.SeesField(object_.api_name, lookup.api_name) &&
                   call_.SeesField(lookup.lookup_object, path->target_field.api_name);
        }
        const size_t i = static_cast<size_t>(info.index);
        return i < object_.fields.size() && call_.SeesField(object_.api_name, object_.fields[i].api_name);
    }
    const ObjectResolver& inner_;
    const ObjectDef& object_;
    Call& call_;
};

}  // namespace

Result<formula::CompiledFormula> CompileAsActor(Call& call, const ObjectDef& object, std::string_view text,
                                                const formula::CompileOptions& options, bool with_formulas) {
    const ObjectResolver names(object, call.workspace.schema().Objects(), with_formulas);
    const ReadableFields readable(names, object, call);
    return formula::Compile(text, readable, options);
}

// [SECTION] Helpers

Error InvalidArgument(const std::string& field, const std::string& message) {
    return MakeError("invalid_argument", message, field);
}

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

json ErrorObject(const Error& e) {
    json error = {{"code", e.code}, {"message", e.message}, {"message_zh", ErrorMessageIn(e, "zh-CN")}};
    if (!e.field.empty()) error["field"] = e.field;
    if (e.line != 0) error["line"] = e.line;
    if (e.position != 0) error["position"] = e.position;
    return error;
}

Error WithDetails(Call& call, const std::vector<Error>& errors) {
    json list = json::array();
    for (const Error& e : errors) {
        json item = ErrorObject(e);
        item.erase("line");
        item.erase("position");
        list.push_back(std::move(item));
    }
    call.error_details = std::move(list);
    return errors.empty() ? MakeError("internal", "No error to report.") : errors.front();
}

Result<json> StatusJson(Status s, json ok) {
    if (!s.ok()) return s.error();
    return ok;
}

}  // namespace crm::api
