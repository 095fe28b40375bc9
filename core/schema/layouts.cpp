// SchemaService, layouts: list, save, assign to profiles and delete; the layout a profile sees.
#include <algorithm>
#include <set>

#include "audit/change.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

// [SECTION] Layouts

std::vector<Layout> SchemaService::Layouts(std::string_view object) const {
    std::vector<Layout> layouts;
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return layouts;
    Statement st = db_.Prepare(
        "SELECT id, name, sections, is_default FROM schema_layouts WHERE object_id = ?1 ORDER BY id");
    st.Bind(1, (*o)->id);
    Statement profiles =
        db_.Prepare("SELECT profile FROM schema_layout_assignments WHERE layout_id = ?1 ORDER BY profile");
    while (st.Step()) {
        Layout l;
        l.id = st.Int(0);
        l.object = (*o)->api_name;
        l.name = st.Text(1);
        l.is_default = st.Int(3) != 0;
        Result<Layout> parsed =
            LayoutFromJson(json{{"sections", json::parse(st.Text(2), nullptr, false)}}, l);
        if (parsed.ok()) l = *parsed;
        profiles.Reset();
        profiles.Bind(1, l.id);
        while (profiles.Step()) l.profiles.push_back(profiles.Text(0));
        layouts.push_back(std::move(l));
    }
    return layouts;
}

Result<Layout> SchemaService::GetLayout(std::string_view object, std::string_view name) const {
    for (Layout& l : Layouts(object)) {
        if (SameName(l.name, name)) return l;
    }
    if (Result<std::shared_ptr<const ObjectDef>> o = Object(object); !o.ok()) return o.error();
    return SchemaError("schema.unknown_layout", std::string(object) + " has no layout " + Quote(name) + ".",
                       "name");
}

Result<Layout> SchemaService::SaveLayout(const std::string& actor, const Layout& layout) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, layout.object);
    if (!o.ok()) return o.error();
    Layout l = layout;
    l.object = (*o)->api_name;
    if (IsBlank(l.name) || Utf8Length(l.name) > 80) {
        return SchemaError("schema.invalid_layout", "The layout needs a name of 1 to 80 characters.", "name");
    }
    std::set<std::string> placed;
    for (LayoutSection& s : l.sections) {
        if (s.columns != 1 && s.columns != 2) {
            return SchemaError("schema.invalid_layout",
                               "Section " + Quote(s.title) + " must have 1 or 2 columns.", "sections");
        }
        for (LayoutItem& item : s.items) {
            const FieldDef* f = (*o)->Field(item.field);
            if (!f) {
                return SchemaError(
                    "schema.unknown_field",
                    "The layout places " + Quote(item.field) + ", which is not a field of " + l.object + ".",
                    "sections");
            }
            item.field = f->api_name;
            if (!placed.insert(ToLowerAscii(f->api_name)).second) {
                return SchemaError("schema.invalid_layout", "The layout places " + f->api_name + " twice.",
                                   "sections");
            }
        }
    }
    Result<Layout> current = GetLayout(l.object, l.name);
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (l.is_default) {
        Statement clear = db_.Prepare("UPDATE schema_layouts SET is_default = 0 WHERE object_id = ?1");
        clear.Bind(1, (*o)->id);
        if (Status s = clear.Run(); !s.ok()) return s.error();
    }
    if (current.ok()) {
        Statement up = db_.Prepare("UPDATE schema_layouts SET sections = ?1, is_default = ?2 WHERE id = ?3");
        // A layout stays the default unless another one takes that role.
        up.Bind(1, SectionsJson(l))
            .Bind(2, int64_t{l.is_default || current->is_default})
            .Bind(3, current->id);
        if (Status s = up.Run(); !s.ok()) return s.error();
    } else {
        if (Status s = db_.Exec(InsertLayoutSql(l)); !s.ok()) return s.error();
    }
    if (Status s = Audit(tx, current.ok() ? "update" : "create", "layout." + l.object + "." + l.name,
                         current.ok() ? ToJson(*current) : json(nullptr), ToJson(l));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return GetLayout(l.object, l.name);
}

Status SchemaService::AssignLayout(const std::string& actor, std::string_view object,
                                   std::string_view profile_name, std::string_view layout) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    if (IsBlank(profile_name))
        return SchemaError("schema.invalid_layout", "Name the profile to assign the layout to.", "profile");
    Result<Layout> l = GetLayout(object, layout);
    if (!l.ok()) return l.error();
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    // The profile must exist (the access engine knows); it is stored under its own spelling.
    std::string profile(profile_name);
    if (profiles_.names || profiles_.exists) {
        std::vector<std::string> names = profiles_.names ? profiles_.names() : std::vector<std::string>{};
        std::string own;
        for (const std::string& n : names) {
            if (SameName(n, profile)) own = n;
        }
        const bool found = profiles_.exists ? profiles_.exists(profile) : !own.empty();
        if (!found) {
            std::string close = ClosestMatch(profile, names);
            return SchemaError("schema.unknown_profile",
                               "The layout cannot go to the profile " + Quote(profile) +
                                   ": there is no such profile." +
                                   (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                               "profile");
        }
        if (!own.empty()) profile = own;
    }
    // The layout the profile saw before, for the audit entry.
    json previous = nullptr;
    {
        Statement before = db_.Prepare(
            "SELECT l.name FROM schema_layout_assignments a JOIN schema_layouts l ON l.id = a.layout_id "
            "WHERE a.object_id = ?1 AND a.profile = ?2");
        before.Bind(1, (*o)->id).Bind(2, profile);
        if (before.Step()) previous = before.Text(0);
        if (!before.status().ok()) return before.status();
    }
    if (previous == json(l->name)) return Status::Ok();
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare(
        "INSERT INTO schema_layout_assignments(object_id, profile, layout_id) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(object_id, profile) DO UPDATE SET layout_id = ?3");
    up.Bind(1, (*o)->id).Bind(2, profile).Bind(3, l->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s =
            Audit(tx, "assign", "layout." + l->object + ".profile." + profile, std::move(previous), l->name);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::DeleteLayout(const std::string& actor, std::string_view object, std::string_view name) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    Result<Layout> l = GetLayout(object, name);
    if (!l.ok()) return l.error();
    if (l->is_default) {
        return SchemaError("schema.default_layout",
                           "The default layout cannot be deleted; make another one the default first.",
                           "name");
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement del = db_.Prepare("DELETE FROM schema_layout_assignments WHERE layout_id = ?1");
    del.Bind(1, l->id);
    if (Status s = del.Run(); !s.ok()) return s;
    Statement del2 = db_.Prepare("DELETE FROM schema_layouts WHERE id = ?1");
    del2.Bind(1, l->id);
    if (Status s = del2.Run(); !s.ok()) return s;
    if (Status s = Audit(tx, "delete", "layout." + l->object + "." + l->name, ToJson(*l), nullptr); !s.ok())
        return s;
    return Finish(tx);
}

Result<Layout> SchemaService::LayoutForProfile(std::string_view object, std::string_view profile) const {
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return o.error();
    std::vector<Layout> layouts = Layouts(object);
    const Layout* chosen = nullptr;
    for (const Layout& l : layouts) {
        for (const std::string& p : l.profiles) {
            if (p == profile) chosen = &l;
        }
    }
    for (const Layout& l : layouts) {
        if (!chosen && l.is_default) chosen = &l;
    }
    Layout out = chosen ? *chosen : DefaultLayout(**o);
    for (LayoutSection& s : out.sections) {
        s.items.erase(std::remove_if(s.items.begin(), s.items.end(),
                                     [&](const LayoutItem& i) { return (*o)->Field(i.field) == nullptr; }),
                      s.items.end());
    }
    return out;
}

}  // namespace crm
