// The merge a draft takes over another tab's commit (common/draft_merge.h): field by field, objects
// walked, a list one unit; and the kept item draft restored over what is stored now, gone or new.
#include "common/draft_merge.h"

#include <doctest/doctest.h>

#include "schema/schema.h"

using namespace crm;
using nlohmann::json;

TEST_SUITE("draft_merge") {
    TEST_CASE("each field takes the side that changed it; both changed: the draft's, named") {
        const json base = {{"name", "A"}, {"phone", "1"}, {"city", "X"}, {"note", "n"}};
        const json draft = {{"name", "A (mine)"}, {"phone", "1"}, {"city", "Y"}, {"note", "n"}};
        const json stored = {{"name", "A"}, {"phone", "2"}, {"city", "Z"}, {"note", "n"}};
        const DraftMerge m = MergeDraft(base, draft, stored);
        const json expected = {{"name", "A (mine)"}, {"phone", "2"}, {"city", "Y"}, {"note", "n"}};
        CHECK(m.merged == expected);
        CHECK(m.changed);
        CHECK(m.conflicts == std::vector<std::string>{"city"});
        const DraftMerge same = MergeDraft(base, draft, base);
        CHECK_FALSE(same.changed);
        CHECK(same.merged == draft);
        CHECK(same.conflicts.empty());
    }

    TEST_CASE("objects are walked (a trigger's parts); a key only the draft added is kept") {
        const json base = {{"trigger", {{"kind", "time"}, {"offset", 1}, {"unit", "days"}}}};
        const json draft = {{"trigger", {{"kind", "time"}, {"offset", 3}, {"unit", "days"}, {"at", "09:00"}}}};
        const json stored = {{"trigger", {{"kind", "time"}, {"offset", 1}, {"unit", "hours"}}}};
        const DraftMerge m = MergeDraft(base, draft, stored);
        const json expected = {{"trigger", {{"kind", "time"}, {"offset", 3}, {"unit", "hours"}, {"at", "09:00"}}}};
        CHECK(m.merged == expected);
        CHECK(m.changed);
        CHECK(m.conflicts.empty());
        // Both changed one part of it: the key names the path.
        const json offset2 = {{"trigger", {{"kind", "time"}, {"offset", 2}, {"unit", "days"}}}};
        const DraftMerge both = MergeDraft(base, draft, offset2);
        CHECK(both.conflicts == std::vector<std::string>{"trigger.offset"});
        CHECK(both.merged["trigger"]["offset"] == 3);
    }

    TEST_CASE("a list is one unit: a layout's sections come whole from the side that changed them") {
        Layout layout;
        layout.object = "Account";
        layout.name = "Account Layout";
        layout.profiles = {"Standard User"};
        layout.sections = {
            LayoutSection{"Information", 2, {LayoutItem{"Name", true, false}, LayoutItem{"Phone", false, false}}},
            LayoutSection{"Address", 1, {LayoutItem{"City", false, false}}}};
        Layout mine = layout;  // a field moved to the other section, a section added
        mine.sections[0].items.pop_back();
        mine.sections[1].items.push_back(LayoutItem{"Phone", false, false});
        mine.sections.push_back(LayoutSection{"More", 2, {}});
        Layout theirs = layout;  // assigned to another profile
        theirs.profiles.push_back("Sales Manager");

        const DraftMerge m = MergeDraft(ToJson(layout), ToJson(mine), ToJson(theirs));
        CHECK(m.changed);
        CHECK(m.conflicts.empty());
        Result<Layout> merged = LayoutFromJson(m.merged, theirs);
        REQUIRE(merged.ok());
        REQUIRE(merged->sections.size() == 3);
        CHECK(merged->sections[0].items.size() == 1);
        REQUIRE(merged->sections[1].items.size() == 2);
        CHECK(merged->sections[1].items[1].field == "Phone");
        CHECK(merged->profiles == theirs.profiles);

        // Both changed the sections: the draft's list whole, not a mix, and the conflict named.
        Layout other = layout;
        other.sections[0].title = "Details";
        const DraftMerge both = MergeDraft(ToJson(layout), ToJson(mine), ToJson(other));
        CHECK(both.conflicts == std::vector<std::string>{"sections"});
        CHECK(both.merged["sections"] == ToJson(mine)["sections"]);
    }

    TEST_CASE("a kept item draft restored: merged over the stored one, gone, or new") {
        const json base = {{"id", 7}, {"name", "R"}, {"condition", "A > 1"}, {"actions", json::array({"a"})}};
        const json draft = {{"id", 7}, {"name", "R"}, {"condition", "A > 2"}, {"actions", json::array({"a"})}};
        const json kept = KeepItemDraft(base, draft, false, {{"object", "Opportunity"}});
        CHECK(kept["object"] == "Opportunity");
        CHECK(kept["base"] == base);
        CHECK(kept["is_new"] == false);

        json stored = base;
        stored["actions"] = json::array({"a", "b"});
        const RestoredItem r = RestoreItemDraft(kept, stored);
        CHECK_FALSE(r.gone);
        CHECK_FALSE(r.is_new);
        CHECK(r.saved == stored);
        CHECK(r.draft["condition"] == "A > 2");
        CHECK(r.draft["actions"] == json::array({"a", "b"}));
        CHECK(r.merge.changed);

        const RestoredItem gone = RestoreItemDraft(kept, nullptr);
        CHECK(gone.gone);
        CHECK(gone.saved == base);
        CHECK(gone.draft == draft);
        CHECK_FALSE(gone.merge.changed);

        const RestoredItem fresh = RestoreItemDraft(KeepItemDraft(base, draft, true), nullptr);
        CHECK(fresh.is_new);
        CHECK_FALSE(fresh.gone);
        CHECK(fresh.draft == draft);
    }
}
