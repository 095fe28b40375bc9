#include "ui/schema/objects_page.h"

#include <algorithm>
#include <cstdlib>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

struct TabInfo {
    ObjectsPage::Tab tab;
    const char* slug;
};
const TabInfo kTabs[] = {{ObjectsPage::Tab::Details, "details"}, {ObjectsPage::Tab::Fields, "fields"},
                         {ObjectsPage::Tab::Layouts, "layouts"}, {ObjectsPage::Tab::Rules, "rules"},
                         {ObjectsPage::Tab::History, "history"}, {ObjectsPage::Tab::Records, "records"}};

const char* TabSlug(ObjectsPage::Tab tab) {
    for (const TabInfo& t : kTabs) {
        if (t.tab == tab) return t.slug;
    }
    return "fields";
}

int ActiveFields(const ObjectDef& o) {
    return static_cast<int>(std::count_if(o.fields.begin(), o.fields.end(),
                                          [](const FieldDef& f) { return f.state == FieldState::Active; }));
}

}  // namespace

ObjectsPage::ObjectsPage(Workspace& workspace, UnsavedGuard& guard)
    : workspace_(workspace),
      guard_(guard),
      fields_(workspace),
      layouts_(workspace, guard),
      rules_(workspace, guard),
      history_(workspace),
      records_(workspace, guard) {}

void ObjectsPage::Open(const std::string& setting, double now) {
    (void)now;
    if (setting.empty() || setting == "page.objects") {
        ShowList();
    } else {
        FocusSetting(setting);
    }
}

void ObjectsPage::ShowList() {
    guard_.Leave(this, [this] { ShowListNow(); });
}

void ObjectsPage::ShowListNow() {
    object_.clear();
    records_.ShowList();
}

bool ObjectsPage::dirty() const { return records_.edits().dirty() || layouts_.dirty() || rules_.dirty(); }

bool ObjectsPage::Save() {
    bool saved = true;
    if (layouts_.dirty()) saved = layouts_.Save() && saved;
    if (records_.edits().dirty()) saved = records_.edits().Save() && saved;
    if (rules_.dirty()) saved = rules_.Save() && saved;
    return saved;
}

void ObjectsPage::Discard() {
    layouts_.Discard();
    records_.edits().Discard();
    rules_.Discard();
}

std::string ObjectsPage::UnsavedSummary() const {
    std::string out;
    for (const Editable* e : {static_cast<const Editable*>(&layouts_), &records_.edits(),
                              static_cast<const Editable*>(&rules_)}) {
        if (!e->dirty()) continue;
        out = out.empty() ? e->UnsavedSummary() : TrFormat("unsaved.what.and", {out, e->UnsavedSummary()});
    }
    return out;
}

nlohmann::json ObjectsPage::KeepDraft() const {
    if (!dirty()) return nullptr;
    nlohmann::json kept = {{"object", object_}, {"tab", static_cast<int>(tab_)}};
    if (layouts_.dirty()) kept["layout"] = layouts_.KeepDraft();
    if (records_.edits().dirty()) kept["record"] = records_.edits().KeepDraft();
    if (rules_.dirty()) kept["rule"] = rules_.KeepDraft();
    return kept;
}

void ObjectsPage::RestoreDraft(const nlohmann::json& kept) {
    const std::string object = kept.value("object", std::string());
    if (object.empty() || !workspace_.schema().Object(object).ok()) return;
    Open(object, static_cast<Tab>(std::clamp(kept.value("tab", 0), 0, static_cast<int>(Tab::Records))));
    if (kept.contains("record")) records_.RestoreForm(kept["record"]);
    if (kept.contains("rule")) rules_.RestoreDraft(kept["rule"]);
    if (kept.contains("layout")) layouts_.RestoreDraft(kept["layout"]);
}

void ObjectsPage::Open(const std::string& api_name, Tab tab) {
    if (api_name != object_) records_.ShowList();
    object_ = api_name;
    tab_ = tab;
    tab_request_ = tab;
}

void ObjectsPage::FocusSetting(std::string_view setting) {
    std::string object = object_;
    if (object.empty()) {
        const auto objects = workspace_.schema().Objects();
        if (!objects.empty()) object = objects.front()->api_name;
    }
    if (setting == "objects.list" || setting == "page.objects" || object.empty()) {
        ShowList();
        return;
    }
    // An object or one of its fields found by name in quick find ("objects.object.<Object>",
    // "objects.field.<Object>.<Field>"): the object's fields, with that field's editor open.
    for (const std::string_view prefix :
         {std::string_view("objects.object."), std::string_view("objects.field.")}) {
        if (setting.substr(0, prefix.size()) != prefix) continue;
        const std::string rest(setting.substr(prefix.size()));
        const size_t dot = rest.find('.');
        const std::string api_name = rest.substr(0, dot);
        const std::string field = dot == std::string::npos ? std::string() : rest.substr(dot + 1);
        if (!workspace_.schema().Object(api_name).ok()) return;
        guard_.Leave(this, [this, api_name, field] {
            Open(api_name, Tab::Fields);
            if (!field.empty()) fields_.RequestEdit(field);
        });
        return;
    }
    // A record's form ("objects.record.<Object>.<id>", RecordSetting): a notification opens its record.
    const std::string_view record_prefix = "objects.record.";
    if (setting.substr(0, record_prefix.size()) == record_prefix) {
        const std::string rest(setting.substr(record_prefix.size()));
        const size_t dot = rest.rfind('.');
        if (dot == std::string::npos) return;
        const std::string api_name = rest.substr(0, dot);
        const int64_t id = std::atoll(rest.c_str() + dot + 1);
        Result<std::shared_ptr<const ObjectDef>> target = workspace_.schema().Object(api_name);
        if (!target.ok() || id <= 0) return;
        std::shared_ptr<const ObjectDef> held = target.value();
        guard_.Leave(this, [this, held, id] {
            Open(held->api_name, Tab::Records);
            records_.OpenRecord(*held, id);
        });
        return;
    }
    if (setting == "objects.new") {
        guard_.Leave(this, [this] {
            ShowListNow();
            new_open_ = true;
        });
        return;
    }
    Tab tab = Tab::Fields;
    if (setting == "objects.validation") tab = Tab::Rules;
    if (setting == "objects.layouts") tab = Tab::Layouts;
    if (setting == "objects.history") tab = Tab::History;
    if (setting == "objects.records") tab = Tab::Records;
    if (setting == "objects.picklist" || setting == "objects.custom_field") fields_.RequestNew();
    Open(object, tab);
}

void ObjectsPage::RefreshCounts() {
    if (counted_change_ == workspace_.change_count() && counted_actor_ == ActingUser()) return;
    counted_change_ = workspace_.change_count();
    counted_actor_ = ActingUser();
    record_counts_.clear();
    for (const auto& o : workspace_.schema().Objects()) {
        ListQuery q;
        q.columns = {"Id"};
        q.limit = 1;
        Result<ListPage> page = workspace_.records().List(ActingUser(), o->api_name, q);
        record_counts_[o->api_name] = page.ok() ? page->total : -1;
    }
}

void ObjectsPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    RefreshCounts();
    ImGui::SetCursorPosX(28.0f * s);
    ImGui::BeginGroup();
    if (!object_.empty()) {
        Result<std::shared_ptr<const ObjectDef>> object = workspace_.schema().Object(object_);
        if (object.ok()) {
            std::shared_ptr<const ObjectDef> held = object.value();
            DrawObject(ctx, *held);
        } else {
            object_.clear();
        }
    }
    if (object_.empty()) DrawList(ctx);
    ImGui::EndGroup();
}

// [SECTION] The object list

void ObjectsPage::DrawList(const PageContext& ctx) {
    const float s = ctx.scale;
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    ImGui::SetNextItemWidth(280.0f * s);
    InputString("##objects.search", &search_, 0, Tr("objects.search_hint"));
    MarkItem("objects.search");
    ImGui::SameLine();
    // The schema is changed with Customize Schema: without it New and Save are off, the reason on hover.
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "objects");
    const bool new_clicked = PrimaryButton(Label("objects.new").c_str(), guard.allowed());
    guard.ReasonOnHover();
    if (new_clicked) {
        new_ = ObjectDef{};
        new_api_edited_ = new_plural_edited_ = new_auto_number_ = false;
        new_format_ = "A-{0000}";
        new_errors_.clear();
        new_open_ = true;
    }
    MarkItem("objects.new");
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));

    auto objects = workspace_.schema().Objects();
    const std::string needle = LowerAscii(search_);
    std::vector<std::shared_ptr<const ObjectDef>> rows;
    for (const auto& o : objects) {
        if (!needle.empty() && LowerAscii(o->label).find(needle) == std::string::npos &&
            o->label_zh.find(needle) == std::string::npos &&
            LowerAscii(o->api_name).find(needle) == std::string::npos &&
            LowerAscii(o->plural_label).find(needle) == std::string::npos) {
            continue;
        }
        rows.push_back(o);
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_Resizable;
    const float height = ImGui::GetContentRegionAvail().y - 16.0f * s;
    if (ImGui::BeginTable("objects.table", 6, flags, ImVec2(width, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Label("objects.col.label").c_str(), 0, 1.4f);
        ImGui::TableSetupColumn(Label("objects.col.api_name").c_str(), 0, 1.3f);
        ImGui::TableSetupColumn(Label("objects.col.type").c_str(), 0, 0.7f);
        ImGui::TableSetupColumn(Label("objects.col.fields").c_str(), 0, 0.5f);
        ImGui::TableSetupColumn(Label("objects.col.records").c_str(), 0, 0.5f);
        ImGui::TableSetupColumn(Label("objects.col.description").c_str(), 0, 2.2f);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ImGui::GetFrameHeight());
        const char* const header_keys[] = {"label", "api_name", "type", "fields", "records", "description"};
        for (int c = 0; c < 6; ++c) {
            if (!ImGui::TableSetColumnIndex(c)) continue;
            ImGui::TableHeader(ImGui::TableGetColumnName(c));
            MarkItem(std::string("objects.header.") + header_keys[c]);
        }
        if (sort_column_ >= 0) {
            auto less = [&](const std::shared_ptr<const ObjectDef>& a,
                            const std::shared_ptr<const ObjectDef>& b) {
                switch (sort_column_) {
                    case 0:
                        return LowerAscii(ShownLabel(*a)) < LowerAscii(ShownLabel(*b));
                    case 1:
                        return LowerAscii(a->api_name) < LowerAscii(b->api_name);
                    case 2:
                        return a->custom < b->custom;
                    case 3:
                        return ActiveFields(*a) < ActiveFields(*b);
                    case 4:
                        return record_counts_[a->api_name] < record_counts_[b->api_name];
                    default:
                        return a->description < b->description;
                }
            };
            std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
                return sort_desc_ ? less(b, a) : less(a, b);
            });
        }
        listed_.clear();
        for (const auto& o : rows) {
            listed_.push_back(o->api_name);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (CellSelectable(ShownLabel(*o), "##" + o->api_name, false,
                               ImGuiSelectableFlags_SpanAllColumns)) {
                Open(o->api_name, Tab::Fields);
            }
            MarkRow("objects.row." + o->api_name);
            ImGui::TableSetColumnIndex(1);
            CellText(o->api_name, true);
            ImGui::TableSetColumnIndex(2);
            ImGui::TextUnformatted(Tr(o->custom ? "objects.custom" : "objects.standard"));
            ImGui::TableSetColumnIndex(3);
            ImGui::Text("%d", ActiveFields(*o));
            ImGui::TableSetColumnIndex(4);
            ImGui::Text("%lld", static_cast<long long>(record_counts_[o->api_name]));
            ImGui::TableSetColumnIndex(5);
            CellText(o->description, true);
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr("objects.none"), false);
        }
        ImGui::EndTable();
    }
    DrawNewObjectDialog(ctx);
}

void ObjectsPage::DrawNewObjectDialog(const PageContext& ctx) {
    const float s = ctx.scale;
    if (!BeginDialog("objects.new_dialog", Tr("objects.new.title"), 760.0f, &new_open_, ctx)) return;
    const float w = 300.0f * s;
    FormRow("objects.new.label", "objects.new.label", w, new_errors_, "label", [&] {
        if (InputString("##objects.new.label", &new_.label)) {
            if (!new_api_edited_) new_.api_name = DeriveApiName(new_.label);
            // A label without Latin letters ("发票") is its own plural (the core derives the same).
            const bool latin = std::any_of(new_.label.begin(), new_.label.end(), [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            });
            const bool other = std::any_of(new_.label.begin(), new_.label.end(),
                                           [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
            if (!new_plural_edited_)
                new_.plural_label = new_.label.empty() ? "" : !latin && other ? new_.label : new_.label + "s";
        }
        MarkItem("objects.new.label");
    });
    FormRow("objects.new.plural", "objects.new.plural", w, new_errors_, "plural_label", [&] {
        if (InputString("##objects.new.plural", &new_.plural_label)) new_plural_edited_ = true;
        MarkItem("objects.new.plural");
    });
    FormRow("objects.new.api_name", "objects.new.api_name", w, new_errors_, "api_name", [&] {
        if (InputString("##objects.new.api_name", &new_.api_name, ImGuiInputTextFlags_CharsNoBlank))
            new_api_edited_ = true;
        MarkItem("objects.new.api_name");
        ImGui::SameLine();
        TextMuted(Tr("field.editor.api_suffix"), false);
    });
    FormRow("objects.new.record_name", "objects.new.record_name", w, new_errors_, "name_format", [&] {
        int mode = new_auto_number_ ? 1 : 0;
        ImGui::RadioButton(Label("objects.new.name_text").c_str(), &mode, 0);
        MarkItem("objects.new.name_text");
        ImGui::SameLine();
        ImGui::RadioButton(Label("objects.new.name_auto").c_str(), &mode, 1);
        MarkItem("objects.new.name_auto");
        new_auto_number_ = mode == 1;
        if (new_auto_number_) {
            ImGui::SetNextItemWidth(200.0f * s);
            InputString("##objects.new.format", &new_format_, 0, "INV-{0000}");
            MarkItem("objects.new.format");
        }
    });
    FormRow("objects.new.description", "objects.new.description", w + 120.0f * s, new_errors_, "description",
            [&] {
                InputString("##objects.new.description", &new_.description);
                MarkItem("objects.new.description");
            });
    if (new_errors_.count("")) ErrorLine("objects.new", new_errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    const int clicked =
        ButtonRow({{"dialog.cancel", "objects.new.cancel"}, {"objects.new.save", "objects.new.save"}}, 1, -1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        new_errors_.clear();
        if (new_.api_name.empty()) new_errors_["api_name"] = Tr("objects.new.api_needed");
        if (new_auto_number_ && new_format_.find('{') == std::string::npos)
            new_errors_["name_format"] = Tr("objects.new.format_needed");
        if (new_errors_.empty()) {
            auto created =
                workspace_.schema().CreateObject(ActingUser(), new_, new_auto_number_ ? new_format_ : "");
            if (created.ok()) {
                ImGui::CloseCurrentPopup();
                Open(created.value()->api_name, Tab::Fields);
            } else {
                AddError(&new_errors_, created.error());
            }
        }
    }
    PublishForm("objects.new.label", new_.label);
    PublishForm("objects.new.api_name", new_.api_name);
    PublishForm("objects.new.plural", new_.plural_label);
    EndDialog();
}

// [SECTION] One object

void ObjectsPage::DrawObject(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    // The breadcrumb back to the list, and the object's name.
    ImGui::PushStyleColor(ImGuiCol_Text, p.accent);
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0, 0, 0, 0));
    const bool back =
        ImGui::SmallButton((std::string("< ") + Tr("objects.back") + "###objects.back").c_str());
    ImGui::PopStyleColor(3);
    if (back) {
        ShowList();
        if (object_.empty()) return;
    }
    MarkItem("objects.back");
    ImGui::SameLine();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(ShownLabel(object).c_str());
    ImGui::PopFont();
    ImGui::SameLine(0.0f, 10.0f * s);
    TextMuted(object.api_name + "  ·  " + Tr(object.custom ? "objects.custom" : "objects.standard"), false);

    if (ImGui::BeginTabBar("objects.tabs")) {
        for (const TabInfo& t : kTabs) {
            ImGuiTabItemFlags flags = 0;
            if (tab_request_ && *tab_request_ == t.tab) flags |= ImGuiTabItemFlags_SetSelected;
            const std::string label = Label(std::string("objects.tab.") + t.slug);
            const bool selected = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
            MarkItem(std::string("objects.tab.") + t.slug);
            if (selected) {
                if (!tab_request_) tab_ = t.tab;
                ImGui::EndTabItem();
            }
        }
        tab_request_.reset();
        ImGui::EndTabBar();
    }
    ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    ImGui::BeginChild("objects.tab_body", ImVec2(ImGui::GetContentRegionAvail().x - 28.0f * s,
                                                 ImGui::GetContentRegionAvail().y - 12.0f * s));
    switch (tab_) {
        case Tab::Details:
            DrawDetails(ctx, object);
            break;
        case Tab::Fields:
            fields_.Draw(ctx, object);
            break;
        case Tab::Layouts:
            layouts_.Draw(ctx, object);
            break;
        case Tab::Rules:
            rules_.Draw(ctx, object);
            break;
        case Tab::History:
            history_.Draw(ctx, object, records_.selected());
            break;
        case Tab::Records:
            records_.Draw(ctx, object);
            break;
    }
    ImGui::EndChild();
}

void ObjectsPage::DrawDetails(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    if (details_object_ != object.api_name) {
        details_object_ = object.api_name;
        details_ = object;
        details_errors_.clear();
        details_message_.clear();
    }
    BeginCard(std::min(ImGui::GetContentRegionAvail().x, 900.0f * s));
    const float w = 320.0f * s;
    FormRow("objects.new.label", "objects.details.label", w, details_errors_, "label", [&] {
        InputString("##objects.details.label", &details_.label);
        MarkItem("objects.details.label");
    });
    FormRow("objects.new.plural", "objects.details.plural", w, details_errors_, "plural_label", [&] {
        InputString("##objects.details.plural", &details_.plural_label);
        MarkItem("objects.details.plural");
    });
    FormRow("objects.new.api_name", "objects.details.api_name", w, details_errors_, "api_name", [&] {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(object.api_name.c_str());
    });
    FormRow("objects.details.record_name", "objects.details.record_name", w, details_errors_, "name_field",
            [&] {
                const FieldDef* name = object.Field(object.name_field);
                ImGui::AlignTextToFramePadding();
                ImGui::TextUnformatted(
                    name ? (name->label + " (" + FieldTypeLabel(name->type) +
                            (name->type == FieldType::AutoNumber ? ", " + name->auto_format : "") + ")")
                               .c_str()
                         : "-");
            });
    FormRow("objects.new.description", "objects.details.description", w + 160.0f * s, details_errors_,
            "description", [&] {
                InputString("##objects.details.description", &details_.description);
                MarkItem("objects.details.description");
            });
    if (details_errors_.count("")) ErrorLine("objects.details", details_errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    const bool dirty = details_.label != object.label || details_.plural_label != object.plural_label ||
                       details_.description != object.description;
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "objects.details");
    const bool save_clicked = PrimaryButton(Label("objects.details.save").c_str(), dirty && guard.allowed());
    guard.ReasonOnHover();
    if (save_clicked) {
        details_errors_.clear();
        Status st = workspace_.schema().UpdateObject(ActingUser(), details_);
        if (st.ok()) {
            details_message_ = Tr("objects.details.saved");
        } else {
            AddError(&details_errors_, st.error());
        }
    }
    MarkItem("objects.details.save");
    if (!details_message_.empty() && !dirty) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextColored(CurrentPalette().success, details_message_, false);
    }
    EndCard();
}

nlohmann::json ObjectsPage::State() const {
    return {{"object", object_},
            {"tab", object_.empty() ? "" : TabSlug(tab_)},
            {"listed", listed_},
            {"records", records_.State()},
            {"dialog", fields_.dialog_showing() ? "field_editor" : ""}};
}

}  // namespace crm::ui
