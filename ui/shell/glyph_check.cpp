#include "ui/shell/glyph_check.h"

#include <sqlite3.h>

#include <set>

#include "storage/database.h"
#include "ui/kit/i18n.h"
#include "ui/shell/appearance.h"
#include "workspace.h"

namespace crm::ui {

namespace {

/// Decodes UTF-8; calls fn(codepoint) for each character above ASCII (invalid bytes are skipped).
template <typename Fn>
void ForEachCodepoint(const std::string& text, Fn fn) {
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > text.size()) {
            ++i;
            continue;
        }
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        if (cp >= 0x80) fn(cp);
        i += n;
    }
}

}  // namespace

std::vector<MissingGlyph> FindMissingGlyphs(const Appearance& appearance, Workspace& workspace) {
    std::vector<MissingGlyph> out;
    std::set<uint32_t> seen;
    auto check = [&](const std::string& text, const std::string& where) {
        ForEachCodepoint(text, [&](uint32_t cp) {
            if (!seen.insert(cp).second || appearance.HasGlyph(cp)) return;
            out.push_back({cp, where + ": " + text.substr(0, 120)});
        });
    };
    ForEachCatalogText([&](const char* text) { check(text ? text : "", "catalog"); });
    // The symbols the sources draw that the UI font lacks (a report group's ▸, the rupee sign).
    for (uint32_t cp : appearance.symbol_codepoints()) {
        if (seen.insert(cp).second && !appearance.HasGlyph(cp)) out.push_back({cp, "the symbol font"});
    }
    sqlite3* db = workspace.db().handle();
    std::vector<std::string> tables;
    sqlite3_stmt* list = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list, nullptr) ==
        SQLITE_OK) {
        while (sqlite3_step(list) == SQLITE_ROW) {
            tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
        }
    }
    sqlite3_finalize(list);
    for (const std::string& table : tables) {
        sqlite3_stmt* rows = nullptr;
        const std::string sql = "SELECT * FROM \"" + table + "\"";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &rows, nullptr) != SQLITE_OK) {
            sqlite3_finalize(rows);
            continue;
        }
        const int columns = sqlite3_column_count(rows);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < columns; ++c) {
                if (sqlite3_column_type(rows, c) != SQLITE_TEXT) continue;
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(rows, c));
                check(text ? text : "", table + "." + sqlite3_column_name(rows, c));
            }
        }
        sqlite3_finalize(rows);
    }
    return out;
}

}  // namespace crm::ui
