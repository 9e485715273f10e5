"""Families 6-10: database locks, caches and message queues."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="db-lock-migration",
        services=("billing", "orders"),
        root_cause="deploy",
        alerts=("PostgresLockWaits", "BillingJobStalled"),
        resolutions=(
            "Cancelled the migration; rewrote it to add the column without a table rewrite.",
            "Terminated the blocking backend; scheduled the migration for the maintenance window with lock_timeout.",
            "Split the migration and ran CREATE INDEX CONCURRENTLY instead.",
        ),
        reports=(
            (
                "Migration locked the invoices table",
                "ALTER TABLE invoices took an ACCESS EXCLUSIVE lock and waits behind a long transaction; every "
                "billing query queues behind it.",
            ),
            (
                "Deadlocks in billing after schema change",
                "Billing workers log 'deadlock detected' every few seconds since the {version} migration ran; "
                "invoice generation stalled.",
            ),
            (
                "Everything touching orders hangs",
                "pg_locks shows {n} sessions waiting on a relation lock held by the deploy's migration step. "
                "Requests pile up until they time out.",
            ),
            (
                "Lock contention from index creation",
                "A plain CREATE INDEX on the payments ledger blocks writes; the job has been running for "
                "{minutes} minutes.",
            ),
            (
                "Billing run stuck waiting on locks",
                "Nightly billing stalled at {pct}%. The schema migration deployed this evening holds a lock "
                "the run needs.",
            ),
        ),
    ),
    Family(
        id="redis-memory",
        services=("checkout", "web"),
        root_cause="capacity",
        alerts=("RedisMemoryHigh", "RedisEvictionsHigh"),
        resolutions=(
            "Set TTLs on the session keys and raised maxmemory; evictions stopped.",
            "Scaled the Redis cluster to a larger node type.",
            "Removed the unbounded key pattern written by the recommendations feature.",
        ),
        reports=(
            (
                "Redis evicting keys, carts emptied",
                "Customers lose their shopping carts. Redis is at maxmemory and evicting keys under "
                "allkeys-lru; evicted_keys jumped to {n}/s.",
            ),
            (
                "Cache node out of memory",
                "OOM command not allowed when used memory > 'maxmemory'. Writes to the cache fail and the web "
                "tier falls back to the database.",
            ),
            (
                "Session cache full, users logged out randomly",
                "Sessions stored in Redis are being dropped. Memory grew {pct}% this week because keys were "
                "written without expiry.",
            ),
            (
                "Checkout slow: cache hit rate collapsed",
                "Hit ratio down from 95% to {pct}%: Redis memory limit reached and keys are evicted as fast as "
                "they are written.",
            ),
            (
                "Redis used_memory at limit after feature launch",
                "The recommendations feature stores a big hash per visitor with no TTL; RedisMemoryHigh fired and "
                "evictions started hitting carts.",
            ),
        ),
    ),
    Family(
        id="cache-stampede",
        services=("web", "api-gateway"),
        root_cause="bug",
        alerts=("OriginRequestRateHigh", "DatabaseCPUHigh"),
        resolutions=(
            "Added request coalescing and jittered TTLs so hot keys do not expire together.",
            "Warmed the cache before re-enabling traffic; added a lock around recomputation.",
            "Rolled back the cache flush and added staggered expiry.",
        ),
        reports=(
            (
                "Thundering herd after cache flush",
                "Someone flushed the product cache; every request now recomputes the same pages and the "
                "database is at {pct}% CPU.",
            ),
            (
                "Cache stampede on homepage at midnight",
                "All homepage fragments share a TTL that expires at 00:00; {n} concurrent recomputations "
                "overloaded the backend.",
            ),
            (
                "Site slow whenever popular keys expire",
                "Every hour on the hour latency spikes: hot keys expire at once and all requests miss together.",
            ),
            (
                "Origin overwhelmed after cache cluster restart",
                "The cache came back empty after maintenance; the cold cache sent all traffic to the origin, "
                "which fell over.",
            ),
            (
                "Dogpile effect on pricing cache",
                "Pricing entries expired simultaneously and thousands of requests recomputed them in parallel; "
                "database connections saturated.",
            ),
        ),
    ),
    Family(
        id="kafka-consumer-lag",
        services=("notifications", "messaging"),
        root_cause="capacity",
        alerts=("KafkaConsumerLagHigh", "NotificationDeliveryDelayed"),
        resolutions=(
            "Increased the partition count and scaled consumers to match.",
            "Fixed the slow downstream call inside the consumer loop; lag drained in {minutes} minutes.",
            "Scaled the consumer group from 4 to 12 instances.",
        ),
        reports=(
            (
                "Kafka consumer lag growing on notifications topic",
                "Lag at {n} messages and rising; push notifications arrive {minutes} minutes late.",
            ),
            (
                "Emails and pushes delayed by half an hour",
                "Users receive order confirmations long after ordering. The consumer group cannot keep up with "
                "the event rate since the marketing campaign started.",
            ),
            (
                "Message backlog in the event bus",
                "The messaging service processes events far behind real time; offsets barely move and the "
                "backlog keeps growing.",
            ),
            (
                "Consumers stuck rebalancing, events not processed",
                "The consumer group rebalances in a loop because processing exceeds max.poll.interval.ms; "
                "lag climbs on every partition.",
            ),
            (
                "Notifications arriving late",
                "NotificationDeliveryDelayed fired. Partitions are assigned to too few consumers and each "
                "message waits in the queue for minutes.",
            ),
        ),
    ),
    Family(
        id="queue-poison-message",
        services=("notifications", "billing"),
        root_cause="data",
        alerts=("QueueDepthHigh", "DeadLetterQueueGrowing"),
        resolutions=(
            "Moved the malformed message to the dead-letter queue and made the consumer skip undecodable payloads.",
            "Fixed the producer sending null customer ids; replayed the queue.",
            "Deleted the poison message; added a retry limit before dead-lettering.",
        ),
        reports=(
            (
                "Poison message blocking the billing queue",
                "One message with a malformed payload fails deserialization, is retried forever and blocks "
                "every message behind it.",
            ),
            (
                "Queue not draining, worker crashes on one payload",
                "The notification worker throws a NullPointerException on the same message id over and over; "
                "queue depth at {n}.",
            ),
            (
                "Invoices not generated: consumer stuck on bad event",
                "An event with an unexpected currency code makes the billing consumer fail; no later event is "
                "processed.",
            ),
            (
                "Dead-letter queue filling up",
                "DeadLetterQueueGrowing: {n} messages rejected since the producer started emitting events "
                "without customer_id.",
            ),
            (
                "SQS messages retried endlessly",
                "A message that can never succeed keeps coming back after the visibility timeout and hogs the "
                "workers; throughput dropped {pct}%.",
            ),
        ),
    ),
)
