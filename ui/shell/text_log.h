// The language sweep's test hook: one frame's drawn text, item by item, and which of it is the
// other language's catalog text.
//
// A frame drawn between BeginTextLog() and EndTextLog() hands every text ImGui renders (labels,
// cells, messages; every row of every list, none clipped; not the text a page paints straight
// into a draw list) to ImGui's log, which writes it to a file one item line per write: the file is
// an unbuffered stream of our own (fopencookie), so each write arrives whole and is one entry. The
// host asks for such a frame when the platform says a test wants one (Platform::TextLogRequest)
// and publishes CheckTextLanguage()'s answer as state.text_log.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/kit/i18n.h"

namespace crm::ui {

/// Starts logging the text drawn from now on (call after ImGui::NewFrame, no other log open);
/// false when the stream could not be made (nothing is logged then: no EndTextLog()).
bool BeginTextLog();
/// Stops logging; the items' texts, one entry per line of each item, in drawing order.
std::vector<std::string> EndTextLog();

/// What the texts `drawn` say about the language `shown` (the console's):
/// {"texts": N, "own": N of them catalog text of `shown`, "foreign": [{"text", "id"}, ...] (the texts
/// that are another language's catalog text and not also `shown`'s, with the row's id; at most 50)}.
nlohmann::json CheckTextLanguage(const std::vector<std::string>& drawn, Language shown);

}  // namespace crm::ui
