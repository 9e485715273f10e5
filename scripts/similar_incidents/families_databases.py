"""Families 1-5: database connections, replication, disks, queries and failover."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="db-connection-pool",
        services=("checkout", "orders"),
        root_cause="capacity",
        alerts=("PgBouncerPoolExhausted", "PostgresConnectionsNearMax", "CheckoutLatencyHigh"),
        resolutions=(
            "Raised pgbouncer default_pool_size and restarted the checkout workers holding idle connections.",
            "Scaled the workers back down and capped each pod's pool at 10 connections.",
            "Killed idle-in-transaction sessions; added a statement timeout so leaked connections are returned.",
        ),
        reports=(
            (
                "DB connection pool exhausted on checkout",
                "Checkout requests failing with 'remaining connection slots are reserved'. pgbouncer shows every "
                "pool in use and {n} clients waiting.",
            ),
            (
                "postgres: too many clients",
                "Orders API logging FATAL: sorry, too many clients already. Connection count hit max_connections "
                "right after the worker scale-up to {n} replicas.",
            ),
            (
                "Checkout timing out waiting for a connection",
                "p99 of /checkout above 30s. Application logs: 'timeout acquiring connection from pool' on every "
                "pod; the database itself is mostly idle.",
            ),
            (
                "Database connections maxed out after autoscaling",
                "Each new pod opens 50 connections at start-up; with {n} pods the primary ran out of connection "
                "slots and refused new sessions.",
            ),
            (
                "Intermittent 500s placing orders: connection acquire timeout",
                "Around {pct}% of order submissions fail. HikariCP reports the pool is at its maximum and threads "
                "block waiting; pgbouncer cl_waiting keeps climbing.",
            ),
            (
                "Leaked DB sessions starving checkout",
                "Hundreds of postgres backends 'idle in transaction' from the new coupon code path; no free "
                "connections left for checkout.",
            ),
        ),
    ),
    Family(
        id="db-replica-lag",
        services=("orders", "inventory"),
        root_cause="capacity",
        alerts=("PostgresReplicationLagHigh", "ReplicaLagSeconds"),
        resolutions=(
            "Moved the nightly export off the replica; lag recovered within minutes.",
            "Routed reads back to the primary until the replica caught up, then added a second replica.",
            "Throttled the bulk update job; replication caught up.",
        ),
        reports=(
            (
                "Read replica lagging, customers see stale orders",
                "Order status pages show old states. The replica is {minutes} minutes behind the primary because "
                "of a long-running analytics query.",
            ),
            (
                "Replication delay on inventory DB",
                "Stock levels shown on product pages lag reality; replay_lag on the standby reached {minutes} min "
                "during the bulk import.",
            ),
            (
                "Orders I just placed are missing from my account",
                "Customers report their new orders do not appear. Reads go to a standby that is far behind: WAL "
                "replay cannot keep up with the write volume.",
            ),
            (
                "Standby falling behind primary by minutes",
                "ReplicaLagSeconds firing for inventory-db. Heavy writes from the price update job; the read "
                "endpoints return out-of-date data.",
            ),
            (
                "Stale reads from replica after big batch update",
                "The batch that rewrote {n} inventory rows produced a WAL spike; replica apply is minutes late "
                "and the order history API serves old data.",
            ),
        ),
    ),
    Family(
        id="db-disk-full",
        services=("orders", "reporting"),
        root_cause="capacity",
        alerts=("PostgresDiskUsageCritical", "VolumeFillingUp"),
        resolutions=(
            "Dropped the stale replication slot so WAL could be recycled, then grew the volume.",
            "Extended the data volume by 500 GB and added an alert at 80%.",
            "Removed the orphaned replication slot; archived WAL cleaned up.",
        ),
        reports=(
            (
                "Orders database out of disk space",
                "Writes failing with 'could not extend file: No space left on device'. The data volume is at 100%.",
            ),
            (
                "WAL piling up, DB volume {pct}% full",
                "pg_wal grew to hundreds of GB because an inactive replication slot holds it back; the disk "
                "will fill within the hour.",
            ),
            (
                "Reporting DB read-only after storage filled",
                "Postgres went into a state where inserts fail: 'No space left on device'. Reports and exports "
                "stopped updating.",
            ),
            (
                "Disk full on primary database host",
                "VolumeFillingUp predicted full in 2h, then PostgresDiskUsageCritical. The logical decoding slot of "
                "the old CDC connector retained WAL.",
            ),
            (
                "Inserts failing: storage exhausted on orders-db",
                "New orders rejected. The volume holding the database ran out of free space after a table bloat "
                "and a stuck slot.",
            ),
        ),
    ),
    Family(
        id="db-slow-query",
        services=("search", "orders"),
        root_cause="deploy",
        alerts=("PostgresSlowQueries", "APILatencyP99High"),
        resolutions=(
            "Added the missing composite index concurrently; query time back to 5 ms.",
            "Reverted the ORM change that dropped the WHERE clause on tenant_id.",
            "Rolled back the release and created the index before redeploying.",
        ),
        reports=(
            (
                "Slow query after release: sequential scan on orders table",
                "Since {version} the order lookup runs a seq scan on {n} million rows. Database CPU at {pct}% and "
                "API latency up tenfold.",
            ),
            (
                "Missing index makes search API crawl",
                "The new filter queries a column without an index. EXPLAIN shows a full table scan; p99 is "
                "several seconds.",
            ),
            (
                "DB CPU pegged by a single query",
                "pg_stat_statements: one statement from the latest deploy accounts for {pct}% of total time. "
                "Everything else queues behind it.",
            ),
            (
                "Order history endpoint very slow since deploy",
                "Customers wait 20+ seconds for order history. The ORM now generates a query without the "
                "tenant_id predicate and reads the whole table.",
            ),
            (
                "Query plan regression, latency spike",
                "After the migration the planner picks a nested loop over millions of rows. APILatencyP99High "
                "fired for orders and search.",
            ),
        ),
    ),
    Family(
        id="db-failover",
        services=("payments", "orders"),
        root_cause="hardware",
        alerts=("PostgresPrimaryDown", "PatroniFailover"),
        resolutions=(
            "Patroni promoted the standby; restarted the apps so they reconnected to the new primary.",
            "Fixed the DNS record still pointing at the old primary.",
            "Replaced the failed host; failover completed manually.",
        ),
        reports=(
            (
                "Primary database host died, failover in progress",
                "The payments-db primary became unreachable after a hardware fault on {host}. Patroni is "
                "promoting the standby; writes are failing meanwhile.",
            ),
            (
                "Writes failing after DB failover",
                "Failover happened but the services kept connecting to the old primary address: 'read-only "
                "transaction' errors for every write.",
            ),
            (
                "Payments down: database leader election stuck",
                "Cluster has no leader for {minutes} minutes; etcd timeouts. No writes possible, all payments "
                "rejected.",
            ),
            (
                "Orders DB switched over unexpectedly",
                "The cloud provider retired the instance underneath us. Automatic promotion took {minutes} "
                "minutes and orders failed in the meantime.",
            ),
            (
                "cannot execute INSERT in a read-only transaction",
                "Apps connected to a node that is now a replica after the switchover; connection strings were "
                "cached and not refreshed.",
            ),
        ),
    ),
)
