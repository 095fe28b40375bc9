// The small organization the access suites share: Manager above Rep, Other beside them; profile "Sales"
// with Create and Edit on Opportunity and Project__c, both Private with hierarchies on; users mgr, rep, rep2.
#pragma once
#include <doctest/doctest.h>

#include <memory>
#include <utility>

#include "workspace.h"

namespace crm::test {

struct Org {
    std::unique_ptr<Workspace> ws;
    AccessService& a() { return ws->access(); }
    Org() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ObjectDef project;
        project.api_name = "Project__c";
        project.label = "Project";
        project.plural_label = "Projects";
        REQUIRE(ws->schema().CreateObject("admin", project).ok());
        REQUIRE(a().CreateRole("admin", "Manager", "").ok());
        REQUIRE(a().CreateRole("admin", "Rep", "Manager").ok());
        REQUIRE(a().CreateRole("admin", "Other", "").ok());
        REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::Profile, "Sales", "").ok());
        for (const char* o : {"Opportunity", "Project__c"}) {
            REQUIRE(a().SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", o,
                                             kObjCreate | kObjEdit)
                        .ok());
            REQUIRE(
                a().SetSharing("admin", ObjectSharing{o, OrgWideDefault::Private, true, AccessLevel::None})
                    .ok());
        }
        REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::Profile, "Nothing", "").ok());
        for (auto [name, role] : {std::pair{"mgr", "Manager"}, {"rep", "Rep"}, {"rep2", "Other"}}) {
            User u;
            u.username = name;
            u.full_name = name;
            u.email = std::string(name) + "@example.com";
            u.role = role;
            u.profile = "Sales";
            REQUIRE(a().CreateUser("admin", u).ok());
        }
    }
    int64_t Deal(const char* owner, double amount = 1000) {
        SaveResult r = ws->records().Create(owner, "Opportunity",
                                            {{"Name", "Deal"},
                                             {"StageName", "Prospecting"},
                                             {"CloseDate", "2026-01-01"},
                                             {"Amount", amount}});
        REQUIRE(r.ok());
        return r.id;
    }
    bool Can(const char* user, ObjectAction action, int64_t id, const char* object = "Opportunity") {
        return a().Decide(user, action, object, id).allowed;
    }
};

}  // namespace crm::test
