// The list of the console's areas, one line each, in sidebar order. An area's folder defines
// Register<Name>Area(AreaRegistry&) in its area.cpp (ui/shell/areas.h says what it registers).
#include "ui/shell/areas.h"

// X(Name): the area whose registration is Register<Name>Area.
#define CRM_UI_AREAS(X) \
    X(Company)          \
    X(Access)           \
    X(Schema)           \
    X(Workflow)         \
    X(Notifications)    \
    X(Reports)          \
    X(Data)             \
    X(Integrations)     \
    X(Audit)

namespace crm::ui {

#define CRM_UI_DECLARE_AREA(Name) void Register##Name##Area(AreaRegistry& registry);
CRM_UI_AREAS(CRM_UI_DECLARE_AREA)
#undef CRM_UI_DECLARE_AREA

Catalog ShellCatalog();  // ui/shell/catalog.cpp

const AreaRegistry& Areas() {
    static const AreaRegistry registry = [] {
        AreaRegistry r;
        r.AddCatalog(KitCatalog());
        r.AddCatalog(ShellCatalog());
#define CRM_UI_REGISTER_AREA(Name) Register##Name##Area(r);
        CRM_UI_AREAS(CRM_UI_REGISTER_AREA)
#undef CRM_UI_REGISTER_AREA
        r.BuildIndex();
        return r;
    }();
    return registry;
}

const std::vector<Catalog>& AllCatalogs() { return Areas().catalogs(); }

}  // namespace crm::ui
