// The Objects & Fields area: the object manager, its quick-find entries (each opens a tab of an
// object) and its catalog.
#include <memory>

#include "ui/kit/labels.h"
#include "ui/schema/objects_page.h"
#include "ui/shell/areas.h"

namespace crm::ui {

Catalog SchemaCatalog();  // ui/schema/catalog.cpp

void RegisterSchemaArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "objects";
    area.icon = Icon::Objects;
    area.keywords = "objects fields schema customers contacts opportunities 对象 字段 客户 联系人 商机";
    area.settings = {
        {"objects.list", "quickfind.objects.list",
         "objects object manager standard custom account contact opportunity lead case task 对象 对象管理 "
         "标准对象 自定义对象 客户 联系人 商机 线索 个案 任务"},
        {"objects.new", "quickfind.objects.new",
         "new custom object create table entity 新建对象 创建对象 自定义对象"},
        {"objects.fields", "quickfind.objects.fields",
         "fields field custom field type required unique indexed index sort speed relationship lookup 字段 "
         "自定义字段 字段类型 必填 索引 排序 唯一 关系 查找"},
        {"objects.custom_field", "quickfind.objects.custom_field",
         "new field add field custom field text number date formula auto-number 新建字段 添加字段 文本 数字 "
         "公式 自动编号"},
        {"objects.picklist", "quickfind.objects.picklist",
         "picklist values dropdown options multi-select 选项列表 下拉 选项值 多选"},
        {"objects.validation", "quickfind.objects.validation",
         "validation rule rules formula error message test 验证 验证规则 规则 公式 校验 错误消息"},
        {"objects.layouts", "quickfind.objects.layouts",
         "layout layouts page layout sections columns order profile form 布局 页面布局 分区 顺序 简档 表单"},
        {"objects.history", "quickfind.objects.history",
         "field history tracking track changes 字段历史 历史跟踪 跟踪"},
        {"objects.records", "quickfind.objects.records",
         "records list view data browse rows 记录 列表视图 数据 浏览"},
    };
    area.catalog = SchemaCatalog();
    area.make = [](const PageServices& services) {
        return std::make_unique<ObjectsPage>(services.workspace, services.guard);
    };
    // Objects and their fields by label (either language) or API name, as objects.list and objects.get
    // show them: Customize Schema sees all; otherwise the objects the actor may read and their readable
    // fields.
    area.names = [](Workspace& workspace, const std::string& actor) {
        AccessService& access = workspace.access();
        const bool customize = access.HasSystemPermission(actor, SystemPermission::CustomizeSchema);
        const AccessPolicy& policy = access.policy();
        std::vector<SettingEntry> out;
        for (const auto& o : workspace.schema().Objects()) {
            if (!customize && !access.Decide(actor, ObjectAction::Read, o->api_name).allowed) continue;
            SettingEntry object;
            object.id = "objects.object." + o->api_name;
            object.text = ShownLabel(*o);
            object.keywords = o->label + " " + o->label_zh + " " + o->plural_label + " " + o->api_name;
            object.where = Tr("quickfind.kind.object");
            out.push_back(std::move(object));
            for (const FieldDef& f : o->fields) {
                if (f.state != FieldState::Active || (!customize && !policy.CanReadField(actor, *o, f)))
                    continue;
                SettingEntry field;
                field.id = "objects.field." + o->api_name + "." + f.api_name;
                field.text = ShownLabel(f);
                field.keywords = f.label + " " + f.label_zh + " " + f.api_name;
                field.where = TrFormat("quickfind.kind.field", {ShownLabel(*o)});
                out.push_back(std::move(field));
            }
        }
        return out;
    };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
