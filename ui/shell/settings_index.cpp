#include "ui/shell/settings_index.h"

#include <algorithm>

#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"

namespace crm::ui {

const std::vector<SettingEntry>& SettingsIndex() { return Areas().settings(); }

namespace {

// How well `needle` (lower case) matches `text`: 3 = text starts with it, 2 = a word starts
// with it, 1 = somewhere inside, 0 = not at all.
int MatchQuality(const std::string& text, const std::string& needle) {
    const std::string hay = LowerAscii(text);
    const size_t pos = hay.find(needle);
    if (pos == std::string::npos) {
        // Chinese is written without spaces: "角色层级" finds the keywords "角色 层级".
        std::string joined = hay;
        joined.erase(std::remove(joined.begin(), joined.end(), ' '), joined.end());
        std::string squeezed = needle;
        squeezed.erase(std::remove(squeezed.begin(), squeezed.end(), ' '), squeezed.end());
        return !squeezed.empty() && joined.find(squeezed) != std::string::npos ? 1 : 0;
    }
    if (pos == 0) return 3;
    for (size_t at = pos; at != std::string::npos; at = hay.find(needle, at + 1)) {
        const char before = hay[at - 1];
        if (before == ' ' || before == '&' || before == '(' || static_cast<unsigned char>(before) >= 0x80)
            return 2;
    }
    return 1;
}

}  // namespace

std::vector<SettingEntry> FindSettings(std::string_view query, size_t limit,
                                       const std::vector<SettingEntry>& named) {
    std::string needle = LowerAscii(query);
    while (!needle.empty() && needle.back() == ' ') needle.pop_back();
    while (!needle.empty() && needle.front() == ' ') needle.erase(0, 1);
    std::vector<std::pair<int, const SettingEntry*>> scored;
    if (needle.empty()) return {};
    for (const SettingEntry& entry : SettingsIndex()) {
        // Labels count more than keywords; a setting's own label more than its page's.
        int score = 0;
        for (Language language : {Language::English, Language::ChineseSimplified}) {
            score = std::max(score, MatchQuality(TrIn(language, entry.text_id), needle) * 10);
        }
        score = std::max(score, MatchQuality(entry.keywords, needle) * 6);
        if (score > 0) scored.emplace_back(score, &entry);
    }
    // A name a little below a setting's label of the same quality; its other names (username, API name,
    // the other language's label) like keywords.
    for (const SettingEntry& entry : named) {
        const int score =
            std::max(MatchQuality(entry.text, needle) * 9, MatchQuality(entry.keywords, needle) * 5);
        if (score > 0) scored.emplace_back(score, &entry);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<SettingEntry> out;
    for (const auto& [score, entry] : scored) {
        if (out.size() >= limit) break;
        out.push_back(*entry);
    }
    return out;
}

std::vector<SettingEntry> NamedEntriesFor(Workspace& workspace, const std::string& actor) {
    std::vector<SettingEntry> out;
    for (const AreaSpec& area : Areas().areas()) {
        if (!area.names) continue;
        std::vector<SettingEntry> named = area.names(workspace, actor);
        for (SettingEntry& entry : named) {
            entry.page = area.slug;
            out.push_back(std::move(entry));
        }
    }
    return out;
}

}  // namespace crm::ui
