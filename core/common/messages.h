// Messages by id, with named parameters, in both languages: the catalogs of the areas.
//
// An area declares its messages in one table (id, English template, Chinese template) in the file that
// raises them, registered at static initialisation with CRM_REGISTER_MESSAGES, and raises an error as an
// id plus parameters (MessageError). The message is written in English at once (Error::message) and
// kept with its id and parameters, so any language is made from the catalog, not by matching text.
// Templates name their parameters: "{object}". In a Chinese template "{name:t}" puts the parameter
// through the term table of the error catalog (an English word the core filled in: a permission, a type).
// Messages raised before this existed are still translated by matching their English against the
// templates of core/common/error_text.cpp (the fallback).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace crm {

/// One message of an area's catalog.
struct MessageDef {
    const char* id;  ///< "api.no_such_argument": <area>.<what>, stable
    const char* en;  ///< "{command} has no argument {name}."
    const char* zh;  ///< "{command} 没有参数 {name}。"
};

/// Adds an area's messages to the catalog; an id given twice is a bug (assert).
bool RegisterMessages(const MessageDef* rows, size_t count);

/// An error whose message is the catalog's `id` with `params` filled in, in English; ErrorMessageIn
/// gives it in another language.
Error MessageError(std::string code, const char* id, MessageParams params, std::string field = {});

/// The message `id` in `language` ("en", "zh-CN"), parameters filled in; nothing for an unknown id.
std::optional<std::string> FormatMessage(std::string_view id, const MessageParams& params,
                                         std::string_view language);

}  // namespace crm

/// Registers `table` (an array of MessageDef) when the program starts.
#define CRM_REGISTER_MESSAGES(table) \
    static const bool crm_messages_registered_ = ::crm::RegisterMessages(table, std::size(table))
