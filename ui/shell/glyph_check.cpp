#include "ui/shell/glyph_check.h"

#include <sqlite3.h>

#include <set>

#include "storage/database.h"
#include "ui/kit/i18n.h"
#include "ui/shell/appearance.h"
#include "workspace.h"

namespace crm::ui {

std::vector<MissingGlyph> FindMissingGlyphs(const Appearance& appearance, Workspace& workspace) {
    std::vector<MissingGlyph> out;
    std::set<uint32_t> seen;
    auto check = [&](const std::string& text, const std::string& where) {
        for (uint32_t cp : NonAsciiCodepoints(text.data(), text.data() + text.size())) {
            if (!seen.insert(cp).second || appearance.CanDraw(cp)) continue;
            out.push_back({cp, where + ": " + text.substr(0, 120)});
        }
    };
    ForEachCatalogText([&](const char* text) { check(text ? text : "", "catalog"); });
    // The symbols the sources draw that the UI font lacks (a report group's ▸, the rupee sign).
    for (uint32_t cp : appearance.symbol_codepoints()) {
        if (seen.insert(cp).second && !appearance.CanDraw(cp)) out.push_back({cp, "the symbol font"});
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
