// A check that every character the console draws has a glyph in every font size (in the atlas, or in
// the UI font, whose CJK characters join the atlas when text shows them: Appearance::CanDraw): the
// texts of every UI catalog (both languages), the symbols, and every text value stored in the
// workspace (the demo company's names, labels and records). crm-console --check-glyphs runs it
// (tests/desktop).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace crm {
class Workspace;
}

namespace crm::ui {

class Appearance;

/// A character without a glyph and one text it occurs in.
struct MissingGlyph {
    uint32_t codepoint = 0;
    std::string where;  ///< "catalog: <text>" or "<table>.<column>: <text>"
};

/// The characters of the catalogs and the workspace's data that `appearance` has no glyph for.
std::vector<MissingGlyph> FindMissingGlyphs(const Appearance& appearance, Workspace& workspace);

}  // namespace crm::ui
