#include "common/messages.h"

#include <algorithm>
#include <cassert>
#include <map>

#include "common/error_text.h"

namespace crm {

namespace {

std::map<std::string, const MessageDef*, std::less<>>& Catalog() {
    static std::map<std::string, const MessageDef*, std::less<>> catalog;
    return catalog;
}

// Fills "{name}" and "{name:t}" of `text` from `params`; a name without a parameter stays as written.
std::string Fill(std::string_view text, const MessageParams& params, bool chinese) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += text[i];
            continue;
        }
        std::string_view name = text.substr(i + 1, close - i - 1);
        const bool term = name.size() > 2 && name.substr(name.size() - 2) == ":t";
        if (term) name.remove_suffix(2);
        auto p = std::find_if(params.begin(), params.end(), [&](const auto& kv) { return kv.first == name; });
        if (p == params.end()) {
            out += text.substr(i, close - i + 1);
        } else if (term && chinese) {
            std::optional<std::string> zh = ChineseTerm(p->second);
            out += zh ? *zh : p->second;
        } else {
            out += p->second;
        }
        i = close;
    }
    return out;
}

}  // namespace

bool RegisterMessages(const MessageDef* rows, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        const bool added = Catalog().emplace(rows[i].id, &rows[i]).second;
        assert(added && "a message id is declared twice");
        (void)added;
    }
    return true;
}

std::optional<std::string> FormatMessage(std::string_view id, const MessageParams& params,
                                         std::string_view language) {
    auto it = Catalog().find(id);
    if (it == Catalog().end()) return std::nullopt;
    const bool chinese = language.substr(0, 2) == "zh";
    return Fill(chinese ? it->second->zh : it->second->en, params, chinese);
}

Error MessageError(std::string code, const char* id, MessageParams params, std::string field) {
    Error e;
    e.code = std::move(code);
    std::optional<std::string> text = FormatMessage(id, params, "en");
    assert(text && "an error names a message id that no catalog declares");
    e.message = text ? *text : id;
    e.field = std::move(field);
    e.id = id;
    e.params = std::move(params);
    return e;
}

}  // namespace crm
