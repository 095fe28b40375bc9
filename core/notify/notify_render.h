// Internals of template rendering, shared by templates.cpp and fanout.cpp.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "formula/formula.h"
#include "notify/notify_internal.h"

namespace crm {

struct FieldDef;
struct ObjectDef;

/// A template ready to render: its four parts parsed, its formulas compiled against `object`.
struct CompiledTemplate {
    std::string object;
    ParsedText parts[4];                                       ///< subject, text, html, short_text
    std::map<std::string, formula::CompiledFormula> formulas;  ///< by source text
};

/// What merge fields read, for one reader.
struct MergeContext {
    bool chinese = false;
    std::string currency, date_format, org_name;
    std::string actor, message;
    std::string recipient_name, recipient_username;
    const ObjectDef* object = nullptr;  ///< the event's record's object (nullptr: no record)
    const nlohmann::json* record = nullptr;
    int64_t record_id = 0;
    bool record_visible = true;  ///< false: the reader may not read the record (its fields render empty)
    std::string owner_name, owner_email, owner_username;
    std::function<bool(const FieldDef&)> can_read;                                  ///< nullptr = every field
    std::function<std::optional<std::string>(const std::string& formula)> formula;  ///< nullopt = nothing
};

/// Parses and checks a template for a type of `object` ("" = any); every error goes to `all_errors`.
Result<std::shared_ptr<const CompiledTemplate>> CompileTemplate(const SchemaService& schema,
                                                                const NotificationTemplate& t,
                                                                const std::string& object,
                                                                std::vector<Error>* all_errors);
RenderedMessage Render(const CompiledTemplate& t, const MergeContext& ctx);
std::string FormatFormulaValue(const formula::Value& v, const MergeContext& ctx);
/// Fills the owner's name, email and username from the user directory.
void FillOwner(Database& db, int64_t owner_id, MergeContext& ctx);

}  // namespace crm
