#include "ui/kit/widgets.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ui/kit/i18n.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

int ResizeCallback(ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* value = static_cast<std::string*>(data->UserData);
        value->resize(static_cast<size_t>(data->BufTextLen));
        data->Buf = value->data();
    }
    return 0;
}

struct CardFrame {
    ImVec2 start;
    float width;
};
std::vector<CardFrame> g_cards;

// The combo's arrow: a thin chevron instead of ImGui's filled triangle.
void DrawChevron(ImDrawList* draw, ImVec2 pos, float width, float height) {
    const float s = CurrentScale();
    const ImVec2 c(pos.x + width - 16.0f * s, pos.y + height * 0.5f);
    const float w = 4.5f * s;
    const ImVec2 points[3] = {ImVec2(c.x - w, c.y - w * 0.5f), ImVec2(c.x, c.y + w * 0.5f),
                              ImVec2(c.x + w, c.y - w * 0.5f)};
    draw->AddPolyline(points, 3, ToU32(CurrentPalette().text_muted), 0, std::max(1.0f, 1.5f * s));
}

}  // namespace

// [SECTION] Text

bool InputString(const char* label, std::string* value, ImGuiInputTextFlags flags, const char* hint) {
    flags |= ImGuiInputTextFlags_CallbackResize;
    if (hint) {
        return ImGui::InputTextWithHint(label, hint, value->data(), value->capacity() + 1, flags,
                                        ResizeCallback, value);
    }
    return ImGui::InputText(label, value->data(), value->capacity() + 1, flags, ResizeCallback, value);
}

namespace {

struct CaretBox {
    std::string* text;
    int* caret;
};

int CaretBoxCallback(ImGuiInputTextCallbackData* data) {
    auto* box = static_cast<CaretBox*>(data->UserData);
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        box->text->resize(static_cast<size_t>(data->BufTextLen));
        data->Buf = box->text->data();
    } else {
        *box->caret = data->CursorPos;
    }
    return 0;
}

}  // namespace

bool InputMultilineWithCaret(const char* label, std::string* value, int* caret, const ImVec2& size,
                             ImGuiInputTextFlags flags) {
    CaretBox box{value, caret};
    flags |= ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_CallbackAlways;
    return ImGui::InputTextMultiline(label, value->data(), value->capacity() + 1, size, flags,
                                     CaretBoxCallback, &box);
}

void TextMuted(std::string_view text, bool wrap) { TextColored(CurrentPalette().text_muted, text, wrap); }

void TextColored(const ImVec4& color, std::string_view text, bool wrap) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    if (wrap) ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    if (wrap) ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

std::string Ellipsize(const std::string& text, float max_width) {
    const char* begin = text.data();
    if (ImGui::CalcTextSize(begin, begin + text.size()).x <= max_width) return text;
    // Three dots: the CJK font's "…" sits mid-height, which looks wrong after Latin text.
    const float room = max_width - ImGui::CalcTextSize("...").x;
    // The longest prefix that ends on a whole UTF-8 code point and fits: a binary search over the
    // code points' starts (a cell of a thousand-row table measures a handful of prefixes, not every one).
    std::vector<size_t> starts;
    for (size_t i = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
    size_t lo = 0, hi = starts.size();  // prefixes of starts[k] bytes: k = lo fits, k = hi does not
    while (hi - lo > 1) {
        const size_t mid = (lo + hi) / 2;
        if (ImGui::CalcTextSize(begin, begin + starts[mid]).x <= room) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return text.substr(0, lo < starts.size() ? starts[lo] : 0) + "...";
}

namespace {

/// `text` on one line, cut with "..." to the width left in the current cell.
std::string CellLine(const std::string& text) {
    std::string line = text;
    std::replace(line.begin(), line.end(), '\n', ' ');
    return Ellipsize(line, ImGui::GetContentRegionAvail().x);
}

/// After the cell's item: when `shown` is not `text`, publishes the cut cell and, on hover, the whole
/// text in a tooltip (ImGui::End restores the last item, so the cell stays the last item).
void ClippedCellTooltip(const std::string& text, const std::string& shown) {
    if (shown == text) return;
    PublishClippedCell(text, shown);
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
        PublishForm("cell.tooltip", text);
    }
}

}  // namespace

void CellText(const std::string& text, bool muted) {
    const std::string shown = CellLine(text);
    if (muted) ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().text_muted);
    ImGui::TextUnformatted(shown.c_str(), shown.c_str() + shown.size());
    if (muted) ImGui::PopStyleColor();
    ClippedCellTooltip(text, shown);
}

bool CellSelectable(const std::string& text, const std::string& id, bool selected,
                    ImGuiSelectableFlags flags) {
    const std::string shown = CellLine(text);
    // "###": the id does not change with the cut (the column's width).
    const bool clicked = ImGui::Selectable((shown + "###" + text + id).c_str(), selected, flags);
    ClippedCellTooltip(text, shown);
    return clicked;
}

// [SECTION] Cards and buttons

void BeginCard(float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    const float w = width > 0.0f ? width : ImGui::GetContentRegionAvail().x;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    g_cards.push_back({start, w});
    const float pad = 20.0f * CurrentScale();
    ImGui::SetCursorScreenPos(ImVec2(start.x + pad, start.y + pad));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + w - 2.0f * pad);
    (void)style;
}

void EndCard() {
    IM_ASSERT(!g_cards.empty());
    const CardFrame card = g_cards.back();
    g_cards.pop_back();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const float pad = 20.0f * CurrentScale();
    const ImVec2 end(card.start.x + card.width, ImGui::GetItemRectMax().y + pad);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSetCurrent(0);
    const Palette& p = CurrentPalette();
    const float rounding = 10.0f * CurrentScale();
    draw->AddRectFilled(card.start, end, ToU32(p.surface), rounding);
    draw->AddRect(card.start, end, ToU32(p.border), rounding);
    draw->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(card.start.x, end.y));
    ImGui::Dummy(ImVec2(card.width, 0.0f));
}

float CardInnerWidth() {
    if (g_cards.empty()) return ImGui::GetContentRegionAvail().x;
    return g_cards.back().width - 40.0f * CurrentScale();
}

float ScrollTableHeight(size_t rows, float max_height) {
    return std::min(max_height, (static_cast<float>(rows) + 1.5f) * ImGui::GetFrameHeightWithSpacing());
}

bool UnderlinedTab(const std::string& id, const char* text, bool current, float scale) {
    const float s = scale;
    const Palette& p = CurrentPalette();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 size(ImGui::CalcTextSize(text).x + 24.0f * s, ImGui::GetFrameHeight() + 6.0f * s);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const bool clicked = ImGui::InvisibleButton(id.c_str(), size);
    MarkItem(id);
    const bool hovered = ImGui::IsItemHovered();
    draw->AddText(ImVec2(at.x + 12.0f * s, at.y + (size.y - ImGui::GetTextLineHeight()) * 0.5f),
                  ToU32(current   ? p.accent
                        : hovered ? p.text
                                  : p.text_muted),
                  text);
    if (current)
        draw->AddRectFilled(ImVec2(at.x + 6.0f * s, at.y + size.y - 3.0f * s),
                            ImVec2(at.x + size.x - 6.0f * s, at.y + size.y), ToU32(p.accent), 2.0f * s);
    ImGui::SameLine(0.0f, 2.0f * s);
    return clicked;
}

void EndUnderlinedTabs(float right_pad, float scale) {
    const float s = scale;
    ImGui::NewLine();
    const ImVec2 line = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(
        ImVec2(line.x, line.y - 4.0f * s),
        ImVec2(line.x + ImGui::GetContentRegionAvail().x - right_pad, line.y - 4.0f * s),
        ToU32(CurrentPalette().border));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
}

bool PrimaryButton(const char* label, bool enabled, const ImVec2& size) {
    const Palette& p = CurrentPalette();
    // Disabled: a flat neutral button, so it cannot be mistaken for the live accent one.
    ImGui::PushStyleColor(ImGuiCol_Button, enabled ? p.accent : p.surface_hover);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, enabled ? p.accent_hover : p.surface_hover);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, enabled ? p.accent_active : p.surface_hover);
    ImGui::PushStyleColor(ImGuiCol_Text, enabled ? p.on_accent : p.text_muted);
    ImGui::PushStyleColor(ImGuiCol_Border, enabled ? p.accent : p.border);
    ImGui::PushStyleVar(ImGuiStyleVar_DisabledAlpha, 1.0f);
    ImGui::BeginDisabled(!enabled);
    const bool clicked = ImGui::Button(label, size);
    ImGui::EndDisabled();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(5);
    return clicked && enabled;
}

bool SecondaryButton(const char* label, bool enabled, const ImVec2& size) {
    ImGui::BeginDisabled(!enabled);
    const bool clicked = ImGui::Button(label, size);
    ImGui::EndDisabled();
    return clicked && enabled;
}

void StatusPill(const ImVec4& dot, const std::string& text, float max_width) {
    const float s = CurrentScale();
    const float pad_x = 10.0f * s;
    const float dot_r = 4.0f * s;
    const std::string shown = Ellipsize(text, max_width - 2.0f * pad_x - 3.0f * dot_r);
    const ImVec2 text_size = ImGui::CalcTextSize(shown.c_str());
    const ImVec2 size(text_size.x + 2.0f * pad_x + 3.0f * dot_r, ImGui::GetFrameHeight());
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    const Palette& p = CurrentPalette();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ToU32(p.surface_hover), size.y * 0.5f);
    draw->AddCircleFilled(ImVec2(pos.x + pad_x + dot_r, pos.y + size.y * 0.5f), dot_r, ToU32(dot));
    draw->AddText(ImVec2(pos.x + pad_x + 3.0f * dot_r, pos.y + (size.y - text_size.y) * 0.5f), ToU32(p.text),
                  shown.c_str());
    if (shown != text && ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

// [SECTION] Icons

void DrawIcon(ImDrawList* draw, Icon icon, ImVec2 c, float size, ImU32 color, ImU32 background) {
    const float s = size;
    const float t = std::max(1.0f, s / 11.0f);  // stroke
    auto P = [&](float x, float y) { return ImVec2(c.x + x * s, c.y + y * s); };
    constexpr float kPi = 3.14159265f;
    switch (icon) {
        case Icon::Company:
            draw->AddRect(P(-0.32f, -0.42f), P(0.32f, 0.44f), color, 1.5f, 0, t);
            for (int row = 0; row < 3; ++row) {
                for (int col = 0; col < 2; ++col) {
                    const float x = -0.17f + col * 0.22f, y = -0.27f + row * 0.2f;
                    draw->AddRectFilled(P(x, y), P(x + 0.12f, y + 0.1f), color);
                }
            }
            break;
        case Icon::Users:
        case Icon::User:
            draw->AddCircle(P(0.0f, -0.18f), 0.19f * s, color, 16, t);
            draw->PathArcTo(P(0.0f, 0.46f), 0.36f * s, kPi * 1.08f, kPi * 1.92f, 16);
            draw->PathStroke(color, 0, t);
            break;
        case Icon::Objects:
            for (int i = 0; i < 4; ++i) {
                const float x = (i % 2) ? 0.05f : -0.4f, y = (i / 2) ? 0.05f : -0.4f;
                draw->AddRect(P(x, y), P(x + 0.35f, y + 0.35f), color, 2.0f, 0, t);
            }
            break;
        case Icon::Workflow:
            draw->AddCircle(P(-0.28f, -0.28f), 0.12f * s, color, 12, t);
            draw->AddCircle(P(0.28f, 0.0f), 0.12f * s, color, 12, t);
            draw->AddCircle(P(-0.28f, 0.3f), 0.12f * s, color, 12, t);
            draw->AddLine(P(-0.18f, -0.22f), P(0.17f, -0.05f), color, t);
            draw->AddLine(P(0.17f, 0.05f), P(-0.18f, 0.24f), color, t);
            break;
        case Icon::Notifications:
            draw->PathArcTo(P(0.0f, -0.08f), 0.27f * s, kPi, 2.0f * kPi, 12);
            draw->PathLineTo(P(0.27f, 0.22f));
            draw->PathLineTo(P(0.36f, 0.3f));
            draw->PathLineTo(P(-0.36f, 0.3f));
            draw->PathLineTo(P(-0.27f, 0.22f));
            draw->PathLineTo(P(-0.27f, -0.08f));
            draw->PathStroke(color, 0, t);
            draw->AddCircleFilled(P(0.0f, 0.4f), 0.08f * s, color);
            break;
        case Icon::Reports:
            draw->AddRectFilled(P(-0.38f, 0.05f), P(-0.18f, 0.4f), color, 1.0f);
            draw->AddRectFilled(P(-0.1f, -0.38f), P(0.1f, 0.4f), color, 1.0f);
            draw->AddRectFilled(P(0.18f, -0.12f), P(0.38f, 0.4f), color, 1.0f);
            break;
        case Icon::Data:
            for (int i = 0; i < 3; ++i) {
                const float y = -0.4f + i * 0.28f;
                draw->AddRect(P(-0.36f, y), P(0.36f, y + 0.22f), color, 0.11f * s, 0, t);
            }
            break;
        case Icon::Integrations:
            draw->AddCircle(P(-0.14f, 0.0f), 0.24f * s, color, 16, t);
            draw->AddCircle(P(0.14f, 0.0f), 0.24f * s, color, 16, t);
            break;
        case Icon::Audit:
            draw->AddCircle(c, 0.4f * s, color, 20, t);
            draw->AddLine(c, P(0.0f, -0.25f), color, t);
            draw->AddLine(c, P(0.18f, 0.1f), color, t);
            break;
        case Icon::Search:
            draw->AddCircle(P(-0.08f, -0.08f), 0.28f * s, color, 16, t * 1.2f);
            draw->AddLine(P(0.13f, 0.13f), P(0.4f, 0.4f), color, t * 1.5f);
            break;
        case Icon::Sun:
            draw->AddCircleFilled(c, 0.2f * s, color, 16);
            for (int i = 0; i < 8; ++i) {
                const float a = i * kPi / 4.0f;
                draw->AddLine(P(std::cos(a) * 0.3f, std::sin(a) * 0.3f),
                              P(std::cos(a) * 0.44f, std::sin(a) * 0.44f), color, t);
            }
            break;
        case Icon::Moon:
            // A crescent: a disc with an offset disc of the background cut out of it.
            draw->AddCircleFilled(c, 0.36f * s, color, 24);
            draw->AddCircleFilled(P(0.17f, -0.14f), 0.3f * s, background, 24);
            break;
        case Icon::Warning:
            draw->AddTriangle(P(0.0f, -0.42f), P(0.44f, 0.36f), P(-0.44f, 0.36f), color, t);
            draw->AddLine(P(0.0f, -0.14f), P(0.0f, 0.12f), color, t * 1.2f);
            draw->AddCircleFilled(P(0.0f, 0.24f), t * 0.8f, color);
            break;
        case Icon::Check:
            draw->AddPolyline(std::vector<ImVec2>{P(-0.36f, 0.0f), P(-0.1f, 0.26f), P(0.38f, -0.26f)}.data(),
                              3, color, 0, t * 1.4f);
            break;
        case Icon::Cross:
            draw->AddLine(P(-0.3f, -0.3f), P(0.3f, 0.3f), color, t * 1.4f);
            draw->AddLine(P(0.3f, -0.3f), P(-0.3f, 0.3f), color, t * 1.4f);
            break;
    }
}

// [SECTION] Filter combo

std::string LowerAscii(std::string_view text) {
    std::string out(text);
    for (char& ch : out) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
}

bool FilterCombo(const char* label, const std::string& preview, const FilterComboItems& items, int* selected,
                 std::string* filter, const std::string& hook_id, float popup_height) {
    const float width = ImGui::CalcItemWidth();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* parent_draw = ImGui::GetWindowDrawList();
    MarkClickable(hook_id, pos, ImVec2(width, ImGui::GetFrameHeight()));
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0.0f), ImVec2(FLT_MAX, popup_height));
    const bool open = ImGui::BeginCombo(label, preview.c_str(),
                                        ImGuiComboFlags_HeightLargest | ImGuiComboFlags_NoArrowButton);
    DrawChevron(parent_draw, pos, width, ImGui::GetFrameHeight());
    if (!open) return false;

    bool changed = false;
    const bool appearing = ImGui::IsWindowAppearing();
    if (appearing) {
        filter->clear();
        ImGui::SetKeyboardFocusHere();
    }
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool enter =
        InputString("##filter", filter, ImGuiInputTextFlags_EnterReturnsTrue, Tr("company.filter_hint"));
    MarkItem(hook_id + ".filter");

    const std::string needle = LowerAscii(*filter);
    std::vector<int> visible;
    visible.reserve(static_cast<size_t>(items.count));
    for (int i = 0; i < items.count; ++i) {
        if (needle.empty() || items.matches(i, needle)) visible.push_back(i);
    }
    if (enter && !visible.empty()) {
        *selected = visible.front();
        changed = true;
        ImGui::CloseCurrentPopup();
    }
    if (items.summary) {
        ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().text_muted);
        ImGui::TextUnformatted(items.summary(static_cast<int>(visible.size()), items.count).c_str());
        ImGui::PopStyleColor();
    }

    if (visible.empty()) {
        TextMuted(Tr("company.no_match"));
    } else {
        const float row_h = ImGui::GetTextLineHeightWithSpacing();
        const float list_h =
            std::min(row_h * static_cast<float>(visible.size()) + ImGui::GetStyle().WindowPadding.y,
                     popup_height - ImGui::GetFrameHeightWithSpacing() * 2.0f);
        ImGui::BeginChild("##options", ImVec2(0.0f, list_h), false);
        if (appearing) {
            auto it = std::find(visible.begin(), visible.end(), *selected);
            if (it != visible.end()) {
                ImGui::SetScrollY(
                    std::max(0.0f, row_h * static_cast<float>(it - visible.begin()) - list_h * 0.4f));
            }
        }
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(visible.size()), row_h);
        while (clipper.Step()) {
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                const int i = visible[static_cast<size_t>(row)];
                const std::string key = items.key(i);
                const std::string text = items.label(i) + "##" + key;
                if (row == 0 && !needle.empty() && i != *selected) {
                    // The row Enter picks.
                    const ImVec2 at = ImGui::GetCursorScreenPos();
                    ImGui::GetWindowDrawList()->AddRectFilled(
                        at,
                        ImVec2(at.x + ImGui::GetContentRegionAvail().x, at.y + ImGui::GetTextLineHeight()),
                        ToU32(CurrentPalette().surface_hover), 4.0f * CurrentScale());
                }
                if (ImGui::Selectable(text.c_str(), i == *selected)) {
                    *selected = i;
                    changed = true;
                    ImGui::CloseCurrentPopup();  // a child of the popup does not close it by itself
                }
                MarkItem(hook_id + ".option." + key);
            }
        }
        ImGui::EndChild();
    }
    ImGui::EndCombo();
    return changed;
}

bool ListCombo(const char* label, const std::string& preview, int count,
               const std::function<std::string(int)>& item_label,
               const std::function<std::string(int)>& item_key, int* selected, const std::string& hook_id) {
    const float width = ImGui::CalcItemWidth();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* parent_draw = ImGui::GetWindowDrawList();
    MarkClickable(hook_id, pos, ImVec2(width, ImGui::GetFrameHeight()));
    const bool open = ImGui::BeginCombo(label, preview.c_str(),
                                        ImGuiComboFlags_HeightLarge | ImGuiComboFlags_NoArrowButton);
    DrawChevron(parent_draw, pos, width, ImGui::GetFrameHeight());
    if (!open) return false;
    bool changed = false;
    for (int i = 0; i < count; ++i) {
        const std::string key = item_key(i);
        const bool is_selected = i == *selected;
        if (ImGui::Selectable((item_label(i) + "##" + key).c_str(), is_selected)) {
            *selected = i;
            changed = true;
        }
        if (is_selected && ImGui::IsWindowAppearing()) ImGui::SetScrollHereY(0.5f);
        MarkItem(hook_id + ".option." + key);
    }
    ImGui::EndCombo();
    return changed;
}

// [SECTION] Sortable, filtered tables

bool TakeSortSpecs(int* column, bool* descending) {
    ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
    if (!specs || !specs->SpecsDirty) return false;
    *column = specs->SpecsCount > 0 ? specs->Specs[0].ColumnIndex : -1;
    *descending = specs->SpecsCount > 0 && specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    specs->SpecsDirty = false;
    return true;
}

void TableHeadersRowMarked(const std::string& hook_prefix, const std::vector<std::string>& keys) {
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ImGui::GetFrameHeight());
    const int columns = ImGui::TableGetColumnCount();
    for (int c = 0; c < columns; ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        ImGui::PushID(c);
        ImGui::TableHeader(ImGui::TableGetColumnName(c));
        ImGui::PopID();
        if (c < static_cast<int>(keys.size()) && !keys[static_cast<size_t>(c)].empty()) {
            MarkItem(hook_prefix + ".header." + keys[static_cast<size_t>(c)]);
        }
    }
}

bool TableFilter(const std::string& hook_id, const char* hint, std::string* filter, float width) {
    ImGui::SetNextItemWidth(width);
    const bool changed = InputString(("##" + hook_id).c_str(), filter, 0, hint);
    MarkItem(hook_id);
    return changed;
}

bool MatchesFilter(const std::string& needle_lower, std::initializer_list<std::string_view> texts) {
    if (needle_lower.empty()) return true;
    for (std::string_view text : texts) {
        if (LowerAscii(text).find(needle_lower) != std::string::npos) return true;
    }
    return false;
}

}  // namespace crm::ui
