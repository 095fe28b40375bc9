// Small drawing helpers shared by the pages: text inputs over std::string, cards, buttons,
// vector icons and a filterable combo.
//
// [SECTION] Text
// [SECTION] Cards and buttons
// [SECTION] Icons
// [SECTION] Filter combo
// [SECTION] Sortable, filtered tables
#pragma once
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "imgui.h"

namespace crm::ui {

// [SECTION] Text

/// ImGui::InputText over a std::string (grows as the user types).
bool InputString(const char* label, std::string* value, ImGuiInputTextFlags flags = 0,
                 const char* hint = nullptr);
/// ImGui::InputTextMultiline over a std::string that also keeps where its caret is (`*caret`, a byte
/// offset, updated every frame the box is active): where a picker inserts into the text.
bool InputMultilineWithCaret(const char* label, std::string* value, int* caret, const ImVec2& size,
                             ImGuiInputTextFlags flags = 0);
/// Text in the muted colour, wrapped at the right edge of the available width.
void TextMuted(std::string_view text, bool wrap = true);
/// Text in a colour, wrapped.
void TextColored(const ImVec4& color, std::string_view text, bool wrap = true);
/// `text` shortened with "..." to fit `max_width`.
std::string Ellipsize(const std::string& text, float max_width);
/// A table cell's text: one line, cut to its column with "..." when it does not fit, the whole text in a
/// tooltip on hover (published for tests under "clipped" and form "cell.tooltip"). Table cells that show
/// data draw their text with it.
void CellText(const std::string& text, bool muted = false);
/// A row's selectable first cell (ImGui::Selectable): its text cut to the column like CellText, the whole
/// text in a tooltip when cut. `id` keeps the item's id apart from the shown text ("##row.Account").
/// Answers whether it was clicked; the selectable stays the last item (for MarkItem).
bool CellSelectable(const std::string& text, const std::string& id, bool selected = false,
                    ImGuiSelectableFlags flags = 0);

// [SECTION] Cards and buttons

/// The sub-navigation of a page: a row of underlined tabs. UnderlinedTab draws one (its test hook `id`),
/// the current one in the accent colour and underlined, and answers whether it was clicked;
/// EndUnderlinedTabs ends the row with a rule up to `right_pad` from the window's edge.
bool UnderlinedTab(const std::string& id, const char* text, bool current, float scale);
void EndUnderlinedTabs(float right_pad, float scale);

/// Starts a card: a rounded surface with a border, sized to what is drawn until EndCard().
/// `width` 0 = the available width.
void BeginCard(float width = 0.0f);
void EndCard();
/// The width inside the current card's padding (the available width outside a card).
float CardInnerWidth();
/// The height of a scrolling table of `rows` rows and a header: all of them up to `max_height`, then it
/// scrolls. Rows are a frame high (a pill or a button fits).
float ScrollTableHeight(size_t rows, float max_height);
/// A filled accent button (the page's main action); disabled buttons are drawn muted.
bool PrimaryButton(const char* label, bool enabled = true, const ImVec2& size = ImVec2(0, 0));
/// A bordered neutral button.
bool SecondaryButton(const char* label, bool enabled = true, const ImVec2& size = ImVec2(0, 0));
/// A rounded pill with a coloured dot and text (status chips).
void StatusPill(const ImVec4& dot, const std::string& text, float max_width);

// [SECTION] Icons

/// Vector icons drawn with the draw list (the font has no icon glyphs).
enum class Icon {
    Company,
    Users,
    Objects,
    Workflow,
    Notifications,
    Reports,
    Data,
    Integrations,
    Audit,
    Search,
    Sun,
    Moon,
    Warning,
    Check,
    Cross,
    User
};
/// Draws `icon` centred at `center`, `size` pixels across; `background` is what the icon sits
/// on (the moon's crescent is cut out with it).
void DrawIcon(ImDrawList* draw, Icon icon, ImVec2 center, float size, ImU32 color, ImU32 background = 0);

// [SECTION] Filter combo

/// The rows a filter combo shows.
struct FilterComboItems {
    int count = 0;
    std::function<std::string(int)> label;                 ///< what row i shows
    std::function<std::string(int)> key;                   ///< stable key of row i (test hooks)
    std::function<bool(int, const std::string&)> matches;  ///< whether row i matches the lower-case filter
    std::function<std::string(int, int)> summary;  ///< optional line under the filter (visible, total)
};

/// A combo whose popup starts with a filter box (focused when it opens) over a clipped list;
/// Enter picks the first match. Returns true when `*selected` changed. Publishes the rects of
/// "<hook_id>.filter" and "<hook_id>.option.<key>" for tests.
bool FilterCombo(const char* label, const std::string& preview, const FilterComboItems& items, int* selected,
                 std::string* filter, const std::string& hook_id, float popup_height);

/// A plain combo over `count` rows; publishes "<hook_id>" and "<hook_id>.option.<key>".
/// Returns true when `*selected` changed.
bool ListCombo(const char* label, const std::string& preview, int count,
               const std::function<std::string(int)>& item_label,
               const std::function<std::string(int)>& item_key, int* selected, const std::string& hook_id);

/// Lower-case ASCII copy (filters are case-insensitive for Latin letters).
std::string LowerAscii(std::string_view text);

// [SECTION] Sortable, filtered tables

/// Reads the sort specs of the current table (call between BeginTable and the first row) when they
/// changed: the first sort column (-1 when none) and its direction. Returns true when they changed,
/// false (leaving the outputs alone) otherwise.
bool TakeSortSpecs(int* column, bool* descending);

/// ImGui::TableHeadersRow() that also publishes each header as "<hook_prefix>.header.<keys[i]>" for
/// tests (an empty key publishes nothing).
void TableHeadersRowMarked(const std::string& hook_prefix, const std::vector<std::string>& keys);

/// The filter box above a table: `hint` shown while empty, test hook `hook_id`, `width` pixels.
/// Returns true when the text changed.
bool TableFilter(const std::string& hook_id, const char* hint, std::string* filter, float width);

/// Whether one of `texts` contains `needle_lower` (already LowerAscii) ignoring ASCII case; an
/// empty needle matches every row.
bool MatchesFilter(const std::string& needle_lower, std::initializer_list<std::string_view> texts);

/// Stable-sorts `rows` by `key(row)` (any ordered type), ascending or descending; rows of equal
/// keys keep their order.
template <typename Row, typename Key>
void SortRowsBy(std::vector<Row>* rows, bool descending, Key key) {
    std::stable_sort(rows->begin(), rows->end(), [&](const Row& a, const Row& b) {
        return descending ? key(b) < key(a) : key(a) < key(b);
    });
}

}  // namespace crm::ui
