#include "common/draft_merge.h"

namespace crm {

namespace {
void Merge(const nlohmann::json& base, const nlohmann::json& draft, const nlohmann::json& stored,
           const std::string& key, DraftMerge* out, nlohmann::json* merged) {
    if (base.is_object() && draft.is_object() && stored.is_object()) {
        *merged = nlohmann::json::object();
        for (const auto& [k, v] : stored.items()) {
            const std::string name = key.empty() ? k : key + "." + k;
            const nlohmann::json none;
            Merge(base.contains(k) ? base[k] : none, draft.contains(k) ? draft[k] : none, v, name, out,
                  &(*merged)[k]);
        }
        for (const auto& [k, v] : draft.items()) {  // a value only the draft has, kept when edited
            if (!stored.contains(k) && (!base.contains(k) || base[k] != v)) (*merged)[k] = v;
        }
        return;
    }
    const bool theirs = stored != base;
    const bool mine = draft != base;
    out->changed = out->changed || theirs;
    if (theirs && mine && stored != draft) out->conflicts.push_back(key);
    *merged = mine ? draft : stored;
}
}  // namespace

DraftMerge MergeDraft(const nlohmann::json& base, const nlohmann::json& draft, const nlohmann::json& stored) {
    DraftMerge out;
    Merge(base, draft, stored, "", &out, &out.merged);
    return out;
}

nlohmann::json KeepItemDraft(const nlohmann::json& base, const nlohmann::json& draft, bool is_new,
                             nlohmann::json extra) {
    extra["base"] = base;
    extra["draft"] = draft;
    extra["is_new"] = is_new;
    return extra;
}

RestoredItem RestoreItemDraft(const nlohmann::json& kept, const nlohmann::json& stored) {
    RestoredItem out;
    const nlohmann::json base = kept.value("base", nlohmann::json::object());
    const nlohmann::json draft = kept.value("draft", nlohmann::json::object());
    out.is_new = kept.value("is_new", false);
    if (out.is_new || stored.is_null()) {
        out.saved = base;
        out.draft = draft;
        out.gone = !out.is_new;
        return out;
    }
    out.merge = MergeDraft(base, draft, stored);
    out.saved = stored;
    out.draft = out.merge.merged;
    return out;
}

}  // namespace crm
