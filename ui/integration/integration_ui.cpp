#include "ui/integration/integration_ui.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {
constexpr std::streamoff kMaxFileBytes = 16LL * 1024 * 1024;
}  // namespace

CardPage::CardPage(const PageContext& ctx, const char* id, float max_width) : scale_(ctx.scale) {
    const float pad = 28.0f * scale_;
    width_ = std::min(max_width * scale_, ImGui::GetContentRegionAvail().x - pad);
    ImGui::BeginChild(id, ImVec2(ImGui::GetContentRegionAvail().x - pad * 0.5f, 0.0f));
}

CardPage::~CardPage() { ImGui::EndChild(); }

void CardPage::Gap() const { ImGui::Dummy(ImVec2(0.0f, 10.0f * scale_)); }

bool LogCardHeader(const PageContext& ctx, float width, const char* title_id, const std::string& subtitle,
                   const std::string& hook, const std::string& error,
                   const std::function<void()>& before_refresh) {
    DataCardBegin(width);
    SectionHeading(ctx, title_id);
    TextMuted(subtitle, false);
    ImGui::SameLine(0.0f, 12.0f * ctx.scale);
    if (before_refresh) before_refresh();
    const bool refresh = SecondaryButton(Tr("integrations.refresh"));
    MarkItem(hook + "_refresh");
    NoticeLine(hook + "_error", error, true);
    return refresh;
}

bool ConfirmDialog(const std::string& hook, const char* ok_id, const std::string& name, bool* open,
                   const PageContext& ctx) {
    if (!BeginDialog(hook.c_str(), Tr(hook + "_title"), 480.0f, open, ctx)) return false;
    ImGui::TextWrapped("%s", TrFormat(hook + "_text", {name}).c_str());
    ImGui::Dummy(ImVec2(0.0f, 8.0f * ctx.scale));
    const int clicked = ButtonRow({{"integrations.cancel", hook + ".cancel"}, {ok_id, hook + ".ok"}}, -1, 1);
    if (clicked >= 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
        ImGui::CloseCurrentPopup();
    EndDialog();
    return clicked == 1;
}

TextFile ReadTextFile(const std::string& path, const std::string& name) {
    TextFile file;
    file.name = name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        file.error = TrFormat("integrations.file.unreadable", {name});
        return file;
    }
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > kMaxFileBytes) {
        file.error = TrFormat("integrations.file.too_big", {name});
        return file;
    }
    std::ostringstream text;
    text << in.rdbuf();
    file.text = text.str();
    return file;
}

std::optional<TextFile> FileSourceRow(const std::string& hook, const char* button_id, const char* accept,
                                      std::string* typed_path, float width, float scale) {
    std::optional<TextFile> given;
    if (FilesThroughBrowser()) {
        if (SecondaryButton(Tr(button_id))) PickFile(accept);
        MarkItem(hook);
        ImGui::SameLine(0.0f, 8.0f * scale);
        TextMuted(Tr("integrations.file.drop_hint"), false);
        // A file picked, or dropped on the page while this tab shows: read, then the in-memory copy goes.
        if (std::optional<PickedFile> picked = TakePickedFile()) {
            if (!picked->error.empty()) {
                given = TextFile{picked->name, {}, picked->error};
            } else {
                given = ReadTextFile(picked->path, picked->name);
                std::remove(picked->path.c_str());
            }
        }
        return given;
    }
    ImGui::SetNextItemWidth(std::max(120.0f * scale, width - 170.0f * scale));
    InputString(("##" + hook + ".path").c_str(), typed_path, 0, Tr("integrations.file.path_hint"));
    MarkItem(hook + ".path");
    PublishForm(hook + ".path", *typed_path);
    ImGui::SameLine(0.0f, 8.0f * scale);
    if (SecondaryButton(Tr(button_id), !typed_path->empty())) given = ReadTextFile(*typed_path, *typed_path);
    MarkItem(hook);
    return given;
}

std::string ChangeSentence(const nlohmann::json& change) {
    const std::string zh = change.value("zh", std::string());
    if (CurrentLanguage() == Language::ChineseSimplified && !zh.empty()) return zh;
    const std::string en = change.value("en", std::string());
    return en.empty() ? change.value("path", std::string()) : en;
}

void ChangeTable(const std::string& hook, const nlohmann::json& changes, const std::string& filter,
                 float width, float height) {
    if (!changes.is_array() || changes.empty()) {
        TextMuted(Tr("integrations.changes.none"), false);
        MarkItem(hook + ".none");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
    // (a row holds a pill, taller than a line of text; a long sentence wraps onto more lines)
    const float row = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().CellPadding.y * 2.0f + 6.0f;
    const float wanted = row * static_cast<float>(changes.size() + 1) + 8.0f;
    const float h = height > 0.0f ? std::min(height, wanted) : wanted;
    if (!ImGui::BeginTable(hook.c_str(), 3, flags | ImGuiTableFlags_Resizable, ImVec2(width, h))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Tr("integrations.changes.col.action"));
    ImGui::TableSetupColumn(Tr("integrations.changes.col.path"), ImGuiTableColumnFlags_WidthFixed,
                            width * 0.32f);
    ImGui::TableSetupColumn(Tr("integrations.changes.col.change"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const Palette& p = CurrentPalette();
    int n = 0;
    for (const nlohmann::json& c : changes) {
        const std::string path = c.value("path", std::string());
        const std::string sentence = ChangeSentence(c);
        if (!MatchesFilter(filter, {path, sentence})) continue;
        const std::string action = c.value("action", std::string());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const ImVec4 dot = action == "add" ? p.success : action == "change" ? p.warning : p.text_muted;
        const std::string action_id = "integrations.changes.action." + action;
        StatusPill(dot, HasText(action_id) ? Tr(action_id) : action, 110.0f);
        MarkItem(hook + ".row." + std::to_string(n));
        ImGui::TableNextColumn();
        CellText(path);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", path.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", sentence.c_str());
        ++n;
    }
    ImGui::EndTable();
}

}  // namespace crm::ui
