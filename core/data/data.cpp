#include "data/data.h"

#include "records/records.h"

namespace crm {

DataService::DataService(Changes& changes, SchemaService& schema, RecordService& records,
                         const AccessPolicy& policy, Authorizer authorizer) {
    recycle_ = std::make_unique<RecycleBin>(changes, schema, policy);
    recycle_->SetAuthorizer(authorizer);
    recycle_->AttachTo(records);
}

DataService::~DataService() = default;

}  // namespace crm
