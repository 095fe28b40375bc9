// Digests: the messages a user chose to receive hourly or daily on a channel go out as one message.
// Fan-out queues each notification with the digest's time as its not-before (core/notify/prefs.cpp,
// EarliestDelivery) and `payload.digest` = "hourly" | "daily"; the outbox then bundles: the first one is
// queued as a message, and each later one for the same recipient, channel and time joins it while it is
// still waiting (queued, never tried). The message's subject, text and HTML are written again from its
// parts, so the outbox, the transports and the browser's fetch only ever see one ordinary message.
// Every part keeps its idempotency key: a retried fan-out never adds the same notification twice.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace crm {

class ChangeScope;
class Database;
struct QueuedMessage;

/// True when `m` waits for an hourly or daily digest (not merely for quiet hours).
bool IsDigestPart(const QueuedMessage& m, int64_t now_ms);

/// The message a notification with this idempotency key was bundled into, if any.
std::optional<int64_t> DigestHolding(Database& db, const std::string& idempotency_key);

/// Bundles `m` into the waiting digest of its recipient, channel and time and answers that message's id;
/// nothing when none is waiting (the caller queues `m` and then calls StartDigest).
Result<std::optional<int64_t>> JoinDigest(Database& db, ChangeScope& scope, const QueuedMessage& m);

/// Records `m`, just queued as message `id`, as the first part of its digest.
Status StartDigest(Database& db, ChangeScope& scope, int64_t id, const QueuedMessage& m);

/// The migration that adds the parts of each digest.
const char* MessageDigestMigrationSql();

}  // namespace crm
