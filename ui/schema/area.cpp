// The Objects & Fields area: the object manager, its quick-find entries (each opens a tab of an
// object) and its catalog.
#include <memory>

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
    registry.Add(std::move(area));
}

}  // namespace crm::ui
