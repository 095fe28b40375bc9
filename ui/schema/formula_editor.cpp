#include "ui/schema/formula_editor.h"

#include <algorithm>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

// The byte offset of the 1-based code point `position` in `text` (clamped to its end).
size_t ByteOfCodePoint(const std::string& text, int position) {
    size_t byte = 0;
    for (int cp = 1; cp < position && byte < text.size(); ++cp) {
        ++byte;
        while (byte < text.size() && (static_cast<unsigned char>(text[byte]) & 0xC0) == 0x80) ++byte;
    }
    return std::min(byte, text.size());
}

// The 1-based code point `position` of `text` counted within its line.
int ColumnInLine(const std::string& text, int position) {
    const size_t at = ByteOfCodePoint(text, position);
    const size_t newline = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    if (newline == std::string::npos) return position;
    int before = 0;  // code points up to and including the newline
    for (size_t i = 0; i <= newline; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++before;
    }
    return position - before;
}

std::string TypeLabel(formula::ValueType type) {
    switch (type) {
        case formula::ValueType::Number:
            return Tr("ftype.number");
        case formula::ValueType::Boolean:
            return Tr("ftype.checkbox");
        case formula::ValueType::Date:
            return Tr("ftype.date");
        case formula::ValueType::DateTime:
            return Tr("ftype.datetime");
        case formula::ValueType::Picklist:
            return Tr("ftype.picklist");
        case formula::ValueType::MultiPicklist:
            return Tr("ftype.multipicklist");
        case formula::ValueType::Text:
            return Tr("ftype.text");
        default:
            return Tr("formula.type_any");
    }
}

}  // namespace

void FormulaEditor::Reset() {
    compiled_ = false;
    error_.reset();
    caret_ = -1;
}

void FormulaEditor::Draw(const PageContext& ctx, const std::string& hook, std::string* text, float height,
                         const CompileFn& compile, uint64_t version) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImVec2 box_min = ImGui::GetCursorScreenPos();
    // ImGui 1.86's multiline box does not wrap: while it is not being edited, a formula with a line wider
    // than the box is drawn wrapped in its place, whole (a click edits it as typed, scrolling sideways). The
    // box then draws no background and no text of its own (it draws them in a child window, over this one).
    const std::string label = "##" + hook;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float box_w = ImGui::CalcItemWidth();
    const float inner_w = box_w - 2.0f * style.FramePadding.x - style.ScrollbarSize;
    const bool wrapped = ImGui::GetActiveID() != ImGui::GetID(label.c_str()) && !text->empty() &&
                         ImGui::CalcTextSize(text->c_str()).x > inner_w;
    PublishForm(hook + ".wrapped", wrapped);
    if (wrapped) {
        ImDrawList* draw = ImGui::GetWindowDrawList();
        const ImVec2 box_max(box_min.x + box_w, box_min.y + height);
        draw->AddRectFilled(box_min, box_max, ImGui::GetColorU32(ImGuiCol_FrameBg), style.FrameRounding);
        draw->PushClipRect(box_min, box_max, true);
        draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
                      ImVec2(box_min.x + style.FramePadding.x, box_min.y + style.FramePadding.y),
                      ImGui::GetColorU32(ImGuiCol_Text), text->c_str(), nullptr, inner_w);
        draw->PopClipRect();
        ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0, 0, 0, 0));
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 0));
    }
    InputMultilineWithCaret(label.c_str(), text, &caret_, ImVec2(box_w, height), ImGuiInputTextFlags_AllowTabInput);
    if (wrapped) ImGui::PopStyleColor(2);
    MarkItem(hook);
    // Compiled after the box, so that what is published matches the text as typed this frame.
    if (!compiled_ || compiled_text_ != *text || compiled_version_ != version) {
        compiled_ = true;
        compiled_text_ = *text;
        compiled_version_ = version;
        error_.reset();
        result_type_.clear();
        if (!text->empty()) {
            Result<formula::CompiledFormula> result = compile(*text);
            if (result.ok()) {
                result_type_ = TypeLabel(result->result_type());
            } else {
                error_ = result.error();
            }
        }
    }

    // While the box is being edited it may have scrolled sideways; the marker follows the text.
    float scroll_x = 0.0f;
    if (ImGui::IsItemActive()) {
        if (ImGuiInputTextState* st = ImGui::GetInputTextState(ImGui::GetActiveID())) scroll_x = st->ScrollX;
    }
    if (error_ && error_->position > 0 && !wrapped) {  // wrapped, the message below names line and column
        // The marker: an underline and a caret under the character the error points at (the box
        // does not scroll for formulas of a few lines; a marker outside the box is not drawn).
        const size_t at = ByteOfCodePoint(compiled_text_, error_->position);
        const size_t line_start = compiled_text_.rfind('\n', at == 0 ? 0 : at - 1);
        const size_t from = line_start == std::string::npos || at == 0 ? 0 : line_start + 1;
        const int line =
            static_cast<int>(std::count(compiled_text_.begin(), compiled_text_.begin() + from, '\n'));
        const float x0 = ImGui::CalcTextSize(compiled_text_.c_str() + from, compiled_text_.c_str() + at).x;
        size_t next = at + 1;
        while (next < compiled_text_.size() &&
               (static_cast<unsigned char>(compiled_text_[next]) & 0xC0) == 0x80)
            ++next;
        float w = at < compiled_text_.size() && compiled_text_[at] != '\n'
                      ? ImGui::CalcTextSize(compiled_text_.c_str() + at, compiled_text_.c_str() + next).x
                      : ImGui::CalcTextSize(" ").x;
        w = std::max(w, 6.0f * s);
        const ImVec2 pad = ImGui::GetStyle().FramePadding;
        const float line_h = ImGui::GetTextLineHeight();
        const ImVec2 c_min(box_min.x + pad.x + x0 - scroll_x, box_min.y + pad.y + line * line_h);
        if (c_min.y + line_h < box_min.y + height && c_min.x >= box_min.x && c_min.x < box_min.x + box_w) {
            ImDrawList* draw = ImGui::GetWindowDrawList();
            draw->AddRectFilled(c_min, ImVec2(c_min.x + w, c_min.y + line_h), ToU32(p.danger, 0.18f),
                                2.0f * s);
            const float y = c_min.y + line_h + 1.0f * s;
            for (float x = c_min.x; x < c_min.x + w; x += 4.0f * s) {
                draw->AddLine(ImVec2(x, y), ImVec2(x + 2.0f * s, y + 2.0f * s), ToU32(p.danger), 1.5f * s);
                draw->AddLine(ImVec2(x + 2.0f * s, y + 2.0f * s), ImVec2(x + 4.0f * s, y), ToU32(p.danger),
                              1.5f * s);
            }
            MarkClickable(hook + ".error_marker", c_min, ImVec2(w, line_h + 4.0f * s));
        }
    }

    // The check under the box.
    ImGui::PushFont(ctx.small_font);
    if (error_) {
        // The core counts the position from the formula's start; a person counts within the line.
        const int column = ColumnInLine(compiled_text_, error_->position);
        const std::string where =
            error_->position > 0 ? TrFormat("formula.error_at", {std::to_string(std::max(1, error_->line)),
                                                                 std::to_string(column)})
                                 : std::string();
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + box_w);
        TextColored(p.danger, where + ErrorText(*error_));
        ImGui::PopTextWrapPos();
        MarkItem(hook + ".error");
        PublishError(hook, ErrorText(*error_));
        PublishForm(hook + ".error_position", error_->position);
        PublishForm(hook + ".error_column", column);
    } else if (!result_type_.empty()) {
        TextColored(p.success, TrFormat("formula.ok", {result_type_}), false);
    } else {
        TextMuted(Tr("formula.empty"), false);
    }
    ImGui::PopFont();
    PublishForm(hook, *text);
}

void FormulaEditor::DrawFunctions(const PageContext& ctx, const std::string& hook, std::string* text,
                                  float height) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImGui::SetNextItemWidth(-FLT_MIN);
    InputString(("##" + hook + ".filter").c_str(), &filter_, 0, Tr("formula.functions.filter"));
    MarkItem(hook + ".filter");
    ImGui::BeginChild((hook + ".functions").c_str(), ImVec2(0.0f, height), true);
    const std::string needle = LowerAscii(filter_);
    const bool zh = CurrentLanguage() == Language::ChineseSimplified;
    std::string category;
    for (const formula::FunctionDoc& doc : formula::Functions()) {
        const std::string& description = zh ? doc.description_zh : doc.description_en;
        if (!needle.empty() && LowerAscii(doc.name).find(needle) == std::string::npos &&
            LowerAscii(description).find(needle) == std::string::npos) {
            continue;
        }
        if (doc.category != category) {
            category = doc.category;
            ImGui::PushFont(ctx.small_font);
            const std::string id = "formula.category." + LowerAscii(category);
            TextMuted(HasText(id) ? Tr(id) : category, false);
            ImGui::PopFont();
        }
        ImGui::PushID(doc.name.c_str());
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float row_h = ImGui::GetTextLineHeight() * 2.0f + 6.0f * s;
        if (ImGui::Selectable("##fn", false, 0, ImVec2(0.0f, row_h))) {
            const std::string insert = doc.name + "(";
            const size_t pos =
                caret_ < 0 ? text->size() : std::min(text->size(), static_cast<size_t>(caret_));
            text->insert(pos, insert);
            caret_ = static_cast<int>(pos + insert.size());
        }
        MarkItem(hook + ".function." + doc.name);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("formula.functions.insert"));
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddText(ImVec2(at.x + 4.0f * s, at.y + 2.0f * s), ToU32(p.accent), doc.signature.c_str());
        ImGui::PushFont(ctx.small_font);
        const std::string shown = Ellipsize(description, ImGui::GetContentRegionAvail().x - 8.0f * s);
        draw->AddText(ImVec2(at.x + 4.0f * s, at.y + ImGui::GetTextLineHeight() + 6.0f * s),
                      ToU32(p.text_muted), shown.c_str());
        ImGui::PopFont();
        ImGui::PopID();
    }
    ImGui::EndChild();
}

}  // namespace crm::ui
