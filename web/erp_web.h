// The browser's ERP client (core/integration/connector.h ErpAsyncClient): each request of a connector's
// run goes to web/erp_fetch.js, which sends it with fetch and hands the answer back to the workspace's
// ConnectorService (crm_web_erp_answer), one request at a time.
#pragma once

namespace crm {
class Workspace;
}

namespace crm::web {

/// Lets the workspace's connectors run through fetch (a reopened workspace is attached again; the
/// sessions of the one it replaced end without writing, and their answers are ignored).
void AttachErp(Workspace& workspace);

}  // namespace crm::web
