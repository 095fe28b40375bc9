// A connector run as a resumable session (core/integration/connector.h SyncSession): stepped by hand it
// does what the synchronous run does; given up between two steps it leaves only whole steps; an async
// client (the browser's fetch) carries it one request at a time.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>

#include "api/command_api.h"
#include "erp_fixture.h"
#include "workflow/automation.h"
#include "workflow/scheduler.h"

using namespace crm;
using namespace crm::test;

namespace {

constexpr int kMaxSteps = 1000;  // every loop below is bounded

/// Five ERP customers (one the CRM refuses: no name) and three CRM Accounts to push, one the ERP refuses.
int64_t Prepare(ErpFixture& f) {
    for (int i = 1; i <= 5; ++i)
        f.erp.Put("customers", {{"id", "C" + std::to_string(i)},
                                {"name", i == 4 ? " " : "Customer " + std::to_string(i)},
                                {"staff", i}});
    const int64_t id = f.Connect("both", "erp_wins", 2);
    f.Batch(id, 2, "both");
    for (const char* name : {"Acme", "REFUSE", "Gamma"}) {
        f.NewAccount({{"Name", name}});
        f.clock.Advance(10);
    }
    return id;
}

/// What a run did, without its ids and times.
json Counts(const SyncRun& run) {
    json j = ToJson(run);
    for (const char* key : {"id", "connector_id", "started", "finished"}) j.erase(key);
    return j;
}

/// The requests the ERP was sent: method, URL and body.
std::vector<std::string> Sent(const FakeErp& erp) {
    std::vector<std::string> out;
    for (const HttpRequest& r : erp.requests) out.push_back(r.method + " " + r.url + " " + r.body);
    return out;
}

/// The workspace's Accounts by name with their ERP ids, and the connector's open errors.
json Outcome(ErpFixture& f, int64_t id) {
    json out = json::object();
    ListQuery q;
    q.limit = 100;
    Result<ListPage> page = f.ws->records().List("admin", "Account", q);
    REQUIRE(page.ok());
    json accounts = json::array();
    for (const json& row : page->rows) {
        Result<json> r = f.ws->records().Get("admin", "Account", row["Id"].get<int64_t>());
        REQUIRE(r.ok());
        accounts.push_back({(*r)["Name"], r->value("ERP_Id__c", json())});
    }
    std::sort(accounts.begin(), accounts.end());
    out["accounts"] = accounts;
    json errors = json::array();
    const std::vector<SyncError> open = *f.connectors().Errors("admin", id, true, 100);
    for (const SyncError& e : open) errors.push_back({e.direction, e.external_id, e.code});
    out["errors"] = errors;
    const Connector c = *f.connectors().Get("admin", id);
    out["cursor"] = {c.entities[0].pull_cursor, c.entities[0].push_cursor_ms};
    return out;
}

/// An async client that keeps what it is sent; the test answers.
struct QueuedClient final : ErpAsyncClient {
    std::deque<std::pair<int64_t, HttpRequest>> queue;
    void Send(int64_t session, const HttpRequest& request) override { queue.push_back({session, request}); }
    /// Answers every request from `erp` (statuses from `script` first), in order; the number answered.
    int Drain(ConnectorService& service, FakeErp& erp) {
        int steps = 0;
        while (!queue.empty() && steps < kMaxSteps) {
            auto [sid, request] = queue.front();
            queue.pop_front();
            service.Answer(sid, erp.Exchange(request));
            ++steps;
        }
        return steps;
    }
};

/// A connector sending Accounts and the push error of one the ERP answered 500 for: the error's id.
int64_t PushFailed(ErpFixture& f, int64_t* connector) {
    *connector = f.Connect("out", "erp_wins");
    f.NewAccount({{"Name", "Acme"}, {"Phone", "+86 10 5555 0001"}});
    f.clock.Advance(10);
    f.erp.script = {500};
    const SyncRun run = f.Run(*connector);
    REQUIRE(run.failed == 1);
    const std::vector<SyncError> errors = *f.connectors().Errors("admin", *connector, true, 10);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].direction == "push");
    CHECK(errors[0].message.find("500") != std::string::npos);
    f.erp.requests.clear();
    return errors[0].id;
}

/// A record changed on both sides that a "hold" entity keeps: the open conflict's id.
int64_t Held(ErpFixture& f, int64_t* connector) {
    f.erp.now_ms = kOutboxNow;
    f.erp.Put("customers", {{"id", "C1"}, {"name", "Original"}});
    *connector = f.Connect("both", "hold");
    f.clock.Advance(10000);
    f.Run(*connector);
    f.clock.Advance(10000);
    f.erp.Put("customers", {{"id", "C1"}, {"name", "ERP edit"}});
    REQUIRE(f.ws->records().Update("admin", "Account", f.Account("C1")["Id"], {{"Name", "CRM edit"}}).ok());
    f.clock.Advance(10000);
    REQUIRE(f.Run(*connector).held == 1);
    const json open = *f.connectors().Conflicts("admin", *connector, "open");
    REQUIRE(open.size() == 1);
    f.erp.requests.clear();
    return open[0]["id"].get<int64_t>();
}

/// Steps a session with the ERP's answers to its end; between two steps no change is open.
void Step(ErpFixture& f, SyncSession& s) {
    int steps = 0;
    while (!s.Done() && steps < kMaxSteps) {
        CHECK(f.ws->changes().open_scope() == nullptr);
        s.Answer(f.erp.Exchange(s.Request()));
        ++steps;
    }
    REQUIRE(s.Done());
}

/// The connector's conflicts as they stand (state, resolution, error), without ids and times.
json ConflictStates(ErpFixture& f, int64_t connector) {
    json out = json::array();
    const json all = *f.connectors().Conflicts("admin", connector, "");
    for (const json& c : all)
        out.push_back({c["state"], c["resolution"], c["error"], c["crm"], c["erp"]});
    return out;
}

}  // namespace

TEST_SUITE("connectors.session") {
    TEST_CASE("a push retry and a resolution for the CRM stepped by hand do what the synchronous ones do") {
        // The retry of a push the ERP answered 500 for.
        ErpFixture sync, stepped;
        int64_t a = 0, b = 0;
        const int64_t ea = PushFailed(sync, &a), eb = PushFailed(stepped, &b);
        REQUIRE(ea == eb);
        Result<SyncError> retried = sync.connectors().Retry("admin", ea);
        REQUIRE(retried.ok());
        CHECK(retried->state == "retried");
        Result<std::unique_ptr<SyncSession>> session = stepped.connectors().StartRetry("admin", eb);
        REQUIRE(session.ok());
        CHECK((*session)->kind() == "retry");
        CHECK((*session)->subject() == eb);
        REQUIRE_FALSE((*session)->Done());
        CHECK((*session)->Outcome() == nullptr);
        // One run of a connector at a time: the retry's session counts.
        CHECK(stepped.connectors().Run("admin", b).error().code == "connectors.running");
        CHECK(stepped.connectors().StartRetry("admin", eb).error().code == "connectors.running");
        Step(stepped, **session);
        REQUIRE((*session)->Outcome() != nullptr);
        CHECK((*session)->Outcome()->ok());
        session->reset();
        CHECK(sync.erp.requests.size() == 1);
        CHECK(Sent(stepped.erp) == Sent(sync.erp));
        CHECK(Outcome(stepped, b) == Outcome(sync, a));
        CHECK(stepped.erp.tables == sync.erp.tables);
        CHECK(stepped.connectors().Errors("admin", b, false, 10)->at(0).state == "retried");
        CHECK(stepped.connectors().Runs("admin", b, 10)->size() == 1);  // a retry logs no run
        CHECK(stepped.connectors().Errors("admin", b, true, 10)->empty());

        // The same through an ERP without a batch route: the batch of one, then its PUT or POST.
        ErpFixture sync2, stepped2;
        const int64_t e2a = PushFailed(sync2, &a), e2b = PushFailed(stepped2, &b);
        sync2.erp.batch_route = stepped2.erp.batch_route = false;
        REQUIRE(sync2.connectors().Retry("admin", e2a).ok());
        session = stepped2.connectors().StartRetry("admin", e2b);
        REQUIRE(session.ok());
        Step(stepped2, **session);
        CHECK((*session)->Outcome()->ok());
        session->reset();
        CHECK(sync2.erp.requests.size() == 2);
        CHECK(Sent(stepped2.erp) == Sent(sync2.erp));
        CHECK(Outcome(stepped2, b) == Outcome(sync2, a));

        // A conflict resolved by taking the CRM's side.
        ErpFixture sync3, stepped3;
        const int64_t ca = Held(sync3, &a), cb = Held(stepped3, &b);
        Result<json> resolved = sync3.connectors().Resolve("admin", ca, "crm");
        REQUIRE(resolved.ok());
        CHECK((*resolved)["state"] == "resolved");
        session = stepped3.connectors().StartResolve("admin", cb, "crm");
        REQUIRE(session.ok());
        CHECK((*session)->kind() == "resolve");
        REQUIRE_FALSE((*session)->Done());
        CHECK(stepped3.connectors().Conflicts("admin", b, "open")->size() ==
              1);  // not before the ERP took it
        Step(stepped3, **session);
        CHECK((*session)->Outcome()->ok());
        session->reset();
        CHECK(Sent(stepped3.erp) == Sent(sync3.erp));
        CHECK(stepped3.erp.Row("customers", "C1")["name"] == "CRM edit");
        CHECK(sync3.erp.Row("customers", "C1")["name"] == "CRM edit");
        CHECK(ConflictStates(stepped3, b) == ConflictStates(sync3, a));
        CHECK(ConflictStates(stepped3, b)[0][0] == "resolved");
        // Audited as the actor, as the synchronous one is.
        CommandApi api(*stepped3.ws);
        const json audit = api.Execute({{"cmd", "audit.list"}, {"args", {{"area", "integration"}}}});
        CHECK(audit.dump().find("\"resolve\"") != std::string::npos);
        // The next run is quiet: the ERP's row is the CRM's now.
        stepped3.clock.Advance(10000);
        const SyncRun after = stepped3.Run(b);
        CHECK(after.held == 0);
        CHECK(after.pushed == 0);
        CHECK(stepped3.Account("C1")["Name"] == "CRM edit");
    }

    TEST_CASE("a failing ERP leaves the push error or the conflict open with the reason") {
        ErpFixture f;
        int64_t id = 0;
        const int64_t error = PushFailed(f, &id);
        f.erp.script = {500};
        Result<SyncError> retried = f.connectors().Retry("admin", error);
        REQUIRE_FALSE(retried.ok());
        CHECK(retried.error().code == "connectors.erp_error");
        std::vector<SyncError> open = *f.connectors().Errors("admin", id, true, 10);
        REQUIRE(open.size() == 1);
        CHECK(open[0].message.find("500") != std::string::npos);
        CHECK(f.erp.tables["customers"].empty());
        // Unreachable: the reason is the network's.
        f.erp.script = {0};
        CHECK_FALSE(f.connectors().Retry("admin", error).ok());
        open = *f.connectors().Errors("admin", id, true, 10);
        CHECK(open[0].code == "connectors.erp_unreachable");
        CHECK(open[0].message.find("Connection refused") != std::string::npos);
        // Given up between two steps (the page closed): still open, with why.
        {
            Result<std::unique_ptr<SyncSession>> session = f.connectors().StartRetry("admin", error);
            REQUIRE(session.ok());
            REQUIRE_FALSE((*session)->Done());
        }
        CHECK(f.ws->changes().open_scope() == nullptr);
        open = *f.connectors().Errors("admin", id, true, 10);
        REQUIRE(open.size() == 1);
        CHECK(open[0].message.find("given up") != std::string::npos);
        // Recovered: the retry goes through.
        REQUIRE(f.connectors().Retry("admin", error).ok());
        CHECK(f.erp.tables["customers"].size() == 1);
        CHECK(f.connectors().Errors("admin", id, true, 10)->empty());

        // The CRM's side refused by the ERP: nothing resolved, the reason kept on the open conflict.
        ErpFixture g;
        int64_t gid = 0;
        const int64_t conflict = Held(g, &gid);
        g.erp.script = {500};
        Result<json> resolved = g.connectors().Resolve("admin", conflict, "crm");
        REQUIRE_FALSE(resolved.ok());
        CHECK(resolved.error().message.find("500") != std::string::npos);
        json held = *g.connectors().Conflicts("admin", gid, "open");
        REQUIRE(held.size() == 1);
        CHECK(held[0]["error"].get<std::string>().find("500") != std::string::npos);
        CHECK(g.erp.Row("customers", "C1")["name"] == "ERP edit");
        CHECK(g.Account("C1")["Name"] == "CRM edit");
        // Taken again once the ERP is back: resolved, the reason cleared.
        REQUIRE(g.connectors().Resolve("admin", conflict, "crm").ok());
        CHECK(g.connectors().Conflicts("admin", gid, "open")->empty());
        const json all = *g.connectors().Conflicts("admin", gid, "");
        CHECK(all[0]["error"] == "");
        CHECK(all[0]["resolution"] == "crm");
        CHECK(g.erp.Row("customers", "C1")["name"] == "CRM edit");
    }

    TEST_CASE("an async client carries a retry and a resolution; the console follows them to their end") {
        ErpFixture f;
        int64_t id = 0;
        const int64_t error = PushFailed(f, &id);
        QueuedClient async;
        f.connectors().SetClient(nullptr);
        f.connectors().SetAsyncClient(&async);
        Result<SyncError> retrying = f.connectors().Retry("admin", error);
        REQUIRE(retrying.ok());
        CHECK(retrying->state == "retrying");
        CHECK(f.connectors().Carrying("retry", error));
        CHECK_FALSE(f.connectors().Running(id).has_value());  // not a run
        CHECK(f.connectors().Errors("admin", id, true, 10)->size() == 1);
        CHECK(async.Drain(f.connectors(), f.erp) == 1);
        CHECK_FALSE(f.connectors().Carrying("retry", error));
        CHECK(f.connectors().Errors("admin", id, true, 10)->empty());
        CHECK(f.erp.tables["customers"].size() == 1);

        ErpFixture g;
        int64_t gid = 0;
        const int64_t conflict = Held(g, &gid);
        g.connectors().SetClient(nullptr);
        g.connectors().SetAsyncClient(&async);
        g.erp.script = {500};
        Result<json> pushing = g.connectors().Resolve("admin", conflict, "crm");
        REQUIRE(pushing.ok());
        CHECK((*pushing)["state"] == "pushing");
        CHECK(g.connectors().Carrying("resolve", conflict));
        CHECK(async.Drain(g.connectors(), g.erp) == 1);
        CHECK_FALSE(g.connectors().Carrying("resolve", conflict));
        json held = *g.connectors().Conflicts("admin", gid, "open");
        REQUIRE(held.size() == 1);
        CHECK(held[0]["error"].get<std::string>().find("500") != std::string::npos);
        REQUIRE(g.connectors().Resolve("admin", conflict, "crm").ok());
        CHECK(async.Drain(g.connectors(), g.erp) == 1);
        CHECK(g.connectors().Conflicts("admin", gid, "open")->empty());
        CHECK(g.erp.Row("customers", "C1")["name"] == "CRM edit");
        // Taking the ERP's side needs no ERP: answered resolved at once.
        ErpFixture h;
        int64_t hid = 0;
        const int64_t other = Held(h, &hid);
        h.connectors().SetClient(nullptr);
        h.connectors().SetAsyncClient(&async);
        Result<json> taken = h.connectors().Resolve("admin", other, "erp");
        REQUIRE(taken.ok());
        CHECK((*taken)["state"] == "resolved");
        CHECK(async.queue.empty());
        CHECK(h.Account("C1")["Name"] == "ERP edit");
    }

    TEST_CASE("a session stepped by hand with the ERP's answers does what the synchronous run does") {
        ErpFixture sync, stepped;
        const int64_t a = Prepare(sync), b = Prepare(stepped);
        REQUIRE(a == b);
        const SyncRun ran = sync.Run(a);

        Result<std::unique_ptr<SyncSession>> session = stepped.connectors().Start("admin", b);
        REQUIRE(session.ok());
        SyncSession& s = **session;
        CHECK(s.Run().state == "running");
        int steps = 0;
        while (!s.Done() && steps < kMaxSteps) {
            // Between two steps no change is open: the page or batch before has committed whole.
            CHECK(stepped.ws->changes().open_scope() == nullptr);
            s.Answer(stepped.erp.Exchange(s.Request()));
            ++steps;
        }
        REQUIRE(s.Done());
        CHECK(steps == static_cast<int>(sync.erp.requests.size()));
        CHECK(Counts(s.Run()) == Counts(ran));
        CHECK(ran.state == "partial");
        CHECK(ran.created == 4);
        CHECK(ran.failed == 2);  // the nameless customer, the refused Account
        CHECK(Sent(stepped.erp) == Sent(sync.erp));
        CHECK(Outcome(stepped, b) == Outcome(sync, a));
        const std::vector<SyncRun> runs = *stepped.connectors().Runs("admin", b, 10);
        REQUIRE(runs.size() == 1);
        CHECK(Counts(runs[0]) == Counts(ran));
    }

    TEST_CASE("a session given up between two steps keeps the steps it committed and nothing half-written") {
        ErpFixture f;
        for (int i = 1; i <= 5; ++i)
            f.erp.Put("customers",
                      {{"id", "C" + std::to_string(i)}, {"name", "Customer " + std::to_string(i)}});
        const int64_t id = f.Connect("in", "erp_wins", 2);
        {
            Result<std::unique_ptr<SyncSession>> session = f.connectors().Start("admin", id);
            REQUIRE(session.ok());
            SyncSession& s = **session;
            s.Answer(f.erp.Exchange(s.Request()));  // page 1: two customers
            REQUIRE_FALSE(s.Done());
            CHECK(s.Request().url.find("page=2") != std::string::npos);
            CHECK(s.Run().created == 2);
            // The second page's request is never answered: the page closed.
        }
        CHECK(f.ws->changes().open_scope() == nullptr);
        std::vector<SyncRun> runs = *f.connectors().Runs("admin", id, 10);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].state == "failed");
        CHECK(runs[0].error.find("given up") != std::string::npos);
        CHECK(runs[0].created == 2);
        CHECK(f.Account("C2")["Name"] == "Customer 2");
        CHECK(f.Account("C3") == nullptr);
        // The cursor stands past the committed page: the next run goes on from there.
        const SyncRun next = f.Run(id);
        CHECK(next.state == "ok");
        CHECK(next.created == 3);
        CHECK(f.Account("C5")["Name"] == "Customer 5");

        // A push given up while its batch is out: nothing is marked sent, the cursor stays before it.
        REQUIRE(f.connectors()
                    .Save("admin", id, {{"entities", {ErpFixture::Customers("out", "erp_wins")}}})
                    .ok());
        f.clock.Advance(1000);
        f.NewAccount({{"Name", "Delta"}});
        const int64_t cursor = f.connectors().Get("admin", id)->entities[0].push_cursor_ms;
        {
            Result<std::unique_ptr<SyncSession>> session = f.connectors().Start("admin", id);
            REQUIRE(session.ok());
            REQUIRE_FALSE((*session)->Done());
            CHECK((*session)->Request().url.find("/batch") != std::string::npos);
            (*session)->Abandon("stopped by the test");
            CHECK((*session)->Done());
        }
        CHECK(f.connectors().Get("admin", id)->entities[0].push_cursor_ms == cursor);
        runs = *f.connectors().Runs("admin", id, 1);
        CHECK(runs[0].state == "failed");
        CHECK(runs[0].error == "stopped by the test");
        CHECK(runs[0].pushed == 0);
    }

    TEST_CASE("one run of a connector at a time: a second is refused while a session is unfinished") {
        ErpFixture f;
        f.erp.Put("customers", {{"id", "C1"}, {"name", "Acme"}});
        const int64_t id = f.Connect();
        Result<std::unique_ptr<SyncSession>> first = f.connectors().Start("admin", id);
        REQUIRE(first.ok());
        Result<SyncRun> second = f.connectors().Run("admin", id);
        REQUIRE_FALSE(second.ok());
        CHECK(second.error().code == "connectors.running");
        (*first)->Answer(f.erp.Exchange((*first)->Request()));
        REQUIRE((*first)->Done());
        first->reset();
        CHECK(f.Run(id).state == "ok");
    }

    TEST_CASE(
        "an async client carries a run one request at a time; a failing ERP is logged, nothing "
        "half-applied") {
        ErpFixture f;
        for (int i = 1; i <= 3; ++i)
            f.erp.Put("customers",
                      {{"id", "C" + std::to_string(i)}, {"name", "Customer " + std::to_string(i)}});
        const int64_t id = f.Connect("in", "erp_wins", 2);
        QueuedClient async;
        f.connectors().SetClient(nullptr);
        f.connectors().SetAsyncClient(&async);
        CHECK(f.connectors().HasClient());
        Result<SyncRun> started = f.connectors().Run("admin", id);
        REQUIRE(started.ok());
        CHECK(started->state == "running");
        REQUIRE(f.connectors().Running(id).has_value());
        CHECK(async.queue.size() == 1);  // one request out at a time
        CHECK(async.Drain(f.connectors(), f.erp) == 2);
        CHECK_FALSE(f.connectors().Running(id).has_value());
        std::vector<SyncRun> runs = *f.connectors().Runs("admin", id, 10);
        CHECK(runs[0].state == "ok");
        CHECK(runs[0].created == 3);
        CHECK_FALSE(f.connectors().Answer(12345, ErpResponse{200, "{}", ""}));  // no such session

        // The ERP answers 500 to the first page: the run is logged failed with the reason, nothing moves.
        f.erp.Put("customers", {{"id", "C4"}, {"name", "Customer 4"}});
        const std::string cursor = f.connectors().Get("admin", id)->entities[0].pull_cursor;
        f.erp.script = {500};
        REQUIRE(f.connectors().Run("admin", id).ok());
        CHECK(async.Drain(f.connectors(), f.erp) == 1);
        runs = *f.connectors().Runs("admin", id, 1);
        CHECK(runs[0].state == "failed");
        CHECK(runs[0].error.find("500") != std::string::npos);
        CHECK(f.Account("C4") == nullptr);
        CHECK(f.connectors().Get("admin", id)->entities[0].pull_cursor == cursor);

        // A scheduled run starts a session the async client carries.
        REQUIRE(f.connectors().Save("admin", id, {{"schedule_minutes", 60}}).ok());
        const int64_t due = f.connectors().Get("admin", id)->next_run_ms;
        Result<RunDueReport> ran = f.ws->automation().scheduler().RunDue("admin", due);
        REQUIRE(ran.ok());
        REQUIRE(ran->ran.size() == 1);
        CHECK(f.connectors().Running(id).has_value());
        CHECK(async.Drain(f.connectors(), f.erp) >= 1);
        CHECK(f.Account("C4")["Name"] == "Customer 4");
        CHECK(f.connectors().Runs("admin", id, 1)->front().state == "ok");

        // Given up (the page reloads): the carried session is logged failed.
        f.erp.Put("customers", {{"id", "C5"}, {"name", "Customer 5"}});
        REQUIRE(f.connectors().Run("admin", id).ok());
        f.connectors().AbandonAll("the page closed");
        CHECK_FALSE(f.connectors().Running(id).has_value());
        CHECK(f.connectors().Runs("admin", id, 1)->front().error == "the page closed");
        async.queue.clear();
    }
}
