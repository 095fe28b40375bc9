// Names instead of ids: a lookup cell or group shows the related record's name, an owner the user's full
// name, as the viewer may read them (a record outside their visibility, or a name field they cannot read,
// keeps its id). One query per related object over the ids the result holds, with the viewer's
// visibility condition inside it, as the report's own lookup joins have.
#include <set>

#include "common/text.h"
#include "formula/formula.h"
#include "report/report_internal.h"

namespace crm::report_detail {

namespace {

using Plan = ReportService::Plan;
using json = nlohmann::json;
using Names = std::map<int64_t, std::string>;

bool IsOwner(const Field& f) { return f.system_int && ToLowerAscii(f.name) == "ownerid"; }

/// The object whose records a field's values name ("" for the owner's users); nullptr when the values are
/// not ids of records or users.
const ObjectDef* TargetOf(const Plan& plan, const Field& f, bool* owner) {
    *owner = IsOwner(f);
    if (*owner || f.def.type != FieldType::Lookup) return nullptr;
    auto it = plan.lookup_targets.find(ToLowerAscii(f.def.lookup_object));
    return it == plan.lookup_targets.end() ? nullptr : it->second.get();
}

bool NamesIds(const Plan& plan, const Field& f) {
    bool owner = false;
    return TargetOf(plan, f, &owner) || owner;
}

std::string IdList(const std::set<int64_t>& ids) {
    std::string out;
    for (int64_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

/// The names of `ids` of the values of field `f`.
Result<Names> ReadNames(Database& db, const Plan& plan, const Field& f, const std::set<int64_t>& ids) {
    Names names;
    if (ids.empty()) return names;
    bool owner = false;
    const ObjectDef* target = TargetOf(plan, f, &owner);
    if (owner) {
        Statement st = db.Prepare("SELECT id, full_name FROM access_user WHERE id IN (" + IdList(ids) + ")");
        while (st.Step()) names[st.Int(0)] = st.Text(1);
        return names;
    }
    if (!target) return names;
    const FieldDef* name = target->Field(target->name_field);
    if (!name || !name->has_column() || !plan.policy->CanAccessObject(plan.actor, *target, ObjectAction::Read) ||
        !plan.policy->CanReadField(plan.actor, *target, *name))
        return names;
    Result<RecordFilter> visible = plan.policy->VisibleRecords(plan.actor, *target, 1);
    if (!visible.ok()) return visible.error();
    Statement st = db.Prepare("SELECT id, " + QuoteIdent(name->column) + " FROM " + QuoteIdent(target->table) +
                              " WHERE id IN (" + IdList(ids) + ")" +
                              (visible->sql.empty() ? "" : " AND (" + visible->sql + ")"));
    for (size_t i = 0; i < visible->params.size(); ++i)
        formula::BindSqlValue(st, static_cast<int>(i) + 1, visible->params[i]);
    while (st.Step())
        if (!st.IsNull(1)) names[st.Int(0)] = st.Text(1);
    return names;
}

}  // namespace

Status NameGroups(Database& db, const Plan& plan, ReportResult& res) {
    for (int side = 0; side < 2; ++side) {
        auto& nodes = side ? res.col_nodes : res.row_nodes;
        const auto& groups = side ? plan.cols : plan.rows;
        for (size_t depth = 0; depth < groups.size(); ++depth) {
            const Field& f = groups[depth].field;
            if (!NamesIds(plan, f)) continue;
            std::set<int64_t> ids;
            for (size_t n = 1; n < nodes.size(); ++n)
                if (nodes[n].depth == static_cast<int>(depth) + 1 && nodes[n].key.is_number_integer())
                    ids.insert(nodes[n].key.get<int64_t>());
            Result<Names> names = ReadNames(db, plan, f, ids);
            if (!names.ok()) return names.error();
            for (size_t n = 1; n < nodes.size(); ++n) {
                if (nodes[n].depth != static_cast<int>(depth) + 1 || !nodes[n].key.is_number_integer()) continue;
                auto it = names->find(nodes[n].key.get<int64_t>());
                if (it != names->end()) nodes[n].label = it->second;
            }
        }
    }
    return Status::Ok();
}

Status NameDetailCells(Database& db, const Plan& plan, const std::vector<Field>& columns, ReportResult& res) {
    for (const Field& f : columns) {
        if (!NamesIds(plan, f)) continue;
        std::set<int64_t> ids;
        for (const json& row : res.rows) {
            auto it = row.find(f.name);
            if (it != row.end() && it->is_number_integer()) ids.insert(it->get<int64_t>());
        }
        Result<Names> names = ReadNames(db, plan, f, ids);
        if (!names.ok()) return names.error();
        if (!names->empty()) res.names[f.name] = std::move(*names);
    }
    return Status::Ok();
}

bool NamesRecords(const Plan& plan, const Field& f) { return NamesIds(plan, f); }

}  // namespace crm::report_detail
