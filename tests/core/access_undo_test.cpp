// Undoing an access change (core/access/access_undo.h, the console's undo notice): the inverse goes
// through the same calls as the change, so it is audited and access-checked; when what the change left
// is no longer so, it is refused with access.changed_since and nothing changes.
#include "access/access_undo.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "access_fixture.h"
#include "common/error_text.h"

using namespace crm;
using crm::test::Org;

namespace {

constexpr PermissionSetKind kProfile = PermissionSetKind::Profile;

uint8_t ObjectBits(Org& org, const char* object) {
    Result<PermissionSet> set = org.a().GetPermissionSet(kProfile, "Sales");
    REQUIRE(set.ok());
    const auto it = set->objects.find(object);
    return it == set->objects.end() ? 0 : it->second;
}

uint8_t FieldBits(Org& org, const char* object, const char* field) {
    Result<ObjectFieldAccess> access = org.a().FieldAccessOf(kProfile, "Sales", object);
    REQUIRE(access.ok());
    return access->Field(field);
}

bool HoldsSystem(Org& org, SystemPermission permission) {
    Result<PermissionSet> set = org.a().GetPermissionSet(kProfile, "Sales");
    REQUIRE(set.ok());
    return std::find(set->system.begin(), set->system.end(), permission) != set->system.end();
}

std::string ParentOf(Org& org, const char* role) {
    for (const Role& r : org.a().Roles()) {
        if (r.name == role) return r.parent;
    }
    FAIL("no role " << role);
    return {};
}

/// The audit entries of `area` whose target is `target`, oldest first.
std::vector<AuditEntry> Trail(Org& org, const char* area, const std::string& target) {
    AuditQuery q;
    q.area = area;
    q.limit = 1000;
    q.descending = false;
    Result<AuditPage> page = org.ws->audit().List(q);
    REQUIRE(page.ok());
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : page->entries) {
        if (e.target == target) out.push_back(e);
    }
    return out;
}

/// One kind of change: makes it (answering its undo), reads the state it changes, and changes that
/// state behind the undo's back.
struct Case {
    const char* name;
    std::function<UndoAction(Org&)> change;
    std::function<int(Org&)> read;  ///< the state, as a number to compare
    std::function<void(Org&)> meddle;
    const char* area;
    const char* target;
};

}  // namespace

TEST_SUITE("access.undo") {
    TEST_CASE("an undo restores the state through the same audited, access-checked calls") {
        const Case cases[] = {
            {"object permissions",
             [](Org& org) {
                 const uint8_t before = ObjectBits(org, "Account");
                 Result<GrantChange> c =
                     org.a().SetObjectPermissions("admin", kProfile, "Sales", "Account", before | kObjEdit);
                 REQUIRE(c.ok());
                 CHECK(c->bits == (kObjRead | kObjEdit));  // Edit turned Read on
                 return UndoObjectPermissions(org.a(), kProfile, "Sales", "Account", before, c->bits);
             },
             [](Org& org) { return int{ObjectBits(org, "Account")}; },
             [](Org& org) {
                 REQUIRE(org.a().SetObjectPermissions("admin", kProfile, "Sales", "Account", kObjRead).ok());
             },
             "profiles", "profile.Sales.Account"},
            {"field permissions (an inherited row)",
             [](Org& org) {
                 const uint8_t before = FieldBits(org, "Opportunity", "Amount");
                 CHECK(before == (kFieldRead | kFieldEdit));  // inherited from Create and Edit on the object
                 Result<GrantChange> c = org.a().SetFieldPermissions("admin", kProfile, "Sales",
                                                                     "Opportunity", "Amount", kFieldRead);
                 REQUIRE(c.ok());
                 return UndoFieldPermissions(org.a(), kProfile, "Sales", "Opportunity", "Amount", before,
                                             c->bits);
             },
             [](Org& org) { return int{FieldBits(org, "Opportunity", "Amount")}; },
             [](Org& org) {
                 REQUIRE(org.a()
                             .SetFieldPermissions("admin", kProfile, "Sales", "Opportunity", "Amount", 0)
                             .ok());
             },
             "profiles", "profile.Sales.Opportunity.Amount"},
            {"a system permission",
             [](Org& org) {
                 REQUIRE(!HoldsSystem(org, SystemPermission::ExportData));
                 REQUIRE(
                     org.a()
                         .SetSystemPermission("admin", kProfile, "Sales", SystemPermission::ExportData, true)
                         .ok());
                 return UndoSystemPermission(org.a(), kProfile, "Sales", SystemPermission::ExportData, true);
             },
             [](Org& org) { return int{HoldsSystem(org, SystemPermission::ExportData)}; },
             [](Org& org) {
                 REQUIRE(
                     org.a()
                         .SetSystemPermission("admin", kProfile, "Sales", SystemPermission::ExportData, false)
                         .ok());
             },
             "profiles", "profile.Sales.export_data"},
            {"a role move",
             [](Org& org) {
                 REQUIRE(ParentOf(org, "Rep") == "Manager");
                 REQUIRE(org.a().MoveRole("admin", "Rep", "Other").ok());
                 return UndoRoleMove(org.a(), "Rep", "Manager", "Other");
             },
             [](Org& org) {
                 return ParentOf(org, "Rep") == "Manager" ? 1 : ParentOf(org, "Rep").empty() ? 0 : 2;
             },
             [](Org& org) { REQUIRE(org.a().MoveRole("admin", "Rep", "").ok()); }, "roles", "role.Rep"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.name);
            {  // Undone: the state is back, and the trail holds the change and its undo.
                Org org;
                const int before = c.read(org);
                const size_t trail = Trail(org, c.area, c.target).size();
                UndoAction undo = c.change(org);
                const int after = c.read(org);
                CHECK(after != before);
                // The inverse is access-checked as whoever presses Undo: a rep may not.
                Status denied = undo("rep");
                REQUIRE(!denied.ok());
                CHECK(denied.error().code == "access.denied");
                CHECK(c.read(org) == after);
                REQUIRE(undo("admin").ok());
                CHECK(c.read(org) == before);
                const std::vector<AuditEntry> entries = Trail(org, c.area, c.target);
                REQUIRE(entries.size() == trail + 2);
                CHECK(entries[trail].new_value ==
                      entries[trail + 1].old_value);  // the undo starts where it ended
                CHECK(entries[trail + 1].actor == "admin");
            }
            {  // Changed meanwhile: refused, said so, nothing changed and nothing audited.
                Org org;
                UndoAction undo = c.change(org);
                c.meddle(org);
                const int meddled = c.read(org);
                const size_t trail = Trail(org, c.area, c.target).size();
                Status st = undo("admin");
                REQUIRE(!st.ok());
                CHECK(st.error().code == "access.changed_since");
                CHECK(st.error().message.find("nothing was undone") != std::string::npos);
                CHECK(ErrorMessageIn(st.error(), "zh-CN").find("未撤销") != std::string::npos);
                CHECK(c.read(org) == meddled);
                CHECK(Trail(org, c.area, c.target).size() == trail);
            }
        }
    }

    TEST_CASE("undoing a role move back under a parent that is gone is refused with nothing changed") {
        Org org;
        REQUIRE(org.a().CreateRole("admin", "Temp", "").ok());
        REQUIRE(org.a().MoveRole("admin", "Rep", "Temp").ok());
        // Rep moves on and Temp, empty now, is deleted: moving back under Manager still works...
        UndoAction back = UndoRoleMove(org.a(), "Rep", "Temp", "Manager");
        REQUIRE(org.a().MoveRole("admin", "Rep", "Manager").ok());
        REQUIRE(org.a().DeleteRole("admin", "Temp").ok());
        // ...but back under Temp, gone, is refused by the core itself.
        Status st = back("admin");
        REQUIRE(!st.ok());
        CHECK(st.error().code == "access.unknown_role");
        CHECK(ParentOf(org, "Rep") == "Manager");
    }
}
