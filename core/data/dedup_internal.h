// What dedup.cpp and dedup_scan.cpp share: a duplicate rule with its fields resolved, and a JSON value
// as the text a rule compares.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dedup.h"

namespace crm {

struct FieldDef;

struct Deduplicator::Compiled {
    DuplicateRule rule;
    std::vector<const FieldDef*> fields;  ///< per condition
};

/// A record's JSON value as text ("" for null, strings as they are, anything else as JSON).
inline std::string DedupValueText(const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace crm
