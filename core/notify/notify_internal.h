// Internals shared by the files of core/notify (not for callers).
#pragma once
#include <string>
#include <vector>

#include "notify/notify.h"

namespace crm {

class Database;
struct ObjectDef;

/// One piece of a parsed template text: literal text, a merge field, or a formula.
struct TemplatePart {
    enum class Kind { Text, Field, Formula } kind = Kind::Text;
    std::string text;   ///< Text: the literal; Field: "Opportunity.Amount"; Formula: its source
    std::string scope;  ///< Field: "Opportunity", "Owner", "Record"...
    std::string name;   ///< Field: "Amount"
    int position = 0;   ///< 1-based character position of "{{" in the template text
};

/// A template part (subject, text...) split into pieces; errors carry positions and the part's name.
struct ParsedText {
    std::vector<TemplatePart> parts;
};

struct NotifyService::Impl {
    Changes& changes;
    SchemaService& schema;
    RecordService& records;
    AccessService& access;
    CompanyService& company;
    NotificationService& inbox;
    Database& db() const;
};

/// Splits `text` into parts; an unclosed "{{" is an error at its position (field = `part_name`).
Result<ParsedText> ParseTemplateText(const std::string& text, const std::string& part_name);

/// Audit area of every notification setting.
inline constexpr const char* kNotifyArea = "notify";

}  // namespace crm
