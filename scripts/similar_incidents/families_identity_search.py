"""Families 26-30: identity providers, vendor rate limits, search and scheduled jobs."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="sso-identity-provider",
        services=("auth",),
        root_cause="dependency",
        alerts=("SAMLLoginFailures", "OIDCProviderErrors"),
        resolutions=(
            "The identity provider resolved their outage; no action on our side beyond comms.",
            "Updated the IdP signing certificate in our SAML configuration.",
            "Allowed password login for affected tenants while the IdP was down.",
        ),
        reports=(
            (
                "SSO login broken for enterprise customers",
                "SAML logins fail with 'signature validation failed'; the customer's IdP rotated its signing "
                "certificate.",
            ),
            (
                "Okta outage: employees cannot log in",
                "Okta is returning errors; single sign-on into every internal tool fails.",
            ),
            (
                "OIDC provider returning 500 on token exchange",
                "Logins via the identity provider fail at the callback; the token endpoint answers 500 for "
                "{pct}% of requests.",
            ),
            (
                "Users stuck in a redirect loop at sign-in",
                "The IdP session and ours disagree after their maintenance; users bounce between login pages.",
            ),
            (
                "Enterprise tenants unable to authenticate",
                "SAMLLoginFailures across {n} tenants; the identity provider's metadata URL times out.",
            ),
        ),
    ),
    Family(
        id="third-party-rate-limit",
        services=("orders", "checkout"),
        root_cause="dependency",
        alerts=("UpstreamHTTP429", "ShippingQuoteErrors"),
        resolutions=(
            "Added caching of shipping quotes and backoff on 429; the vendor raised our quota.",
            "Batched the address validation calls; errors stopped.",
            "Moved the sync job to off-peak hours so it no longer uses the live quota.",
        ),
        reports=(
            (
                "Shipping rates API rate-limiting us",
                "The carrier API answers 429 Too Many Requests; checkout cannot show delivery options.",
            ),
            (
                "Hitting vendor API quota",
                "Our daily quota with the address validation vendor was used up by {pct}% of the day; every "
                "call fails after that.",
            ),
            (
                "Orders failing: upstream throttling",
                "The fulfilment partner throttles our requests since the new sync job started calling it "
                "{n} times a minute.",
            ),
            (
                "429s from the maps API",
                "Delivery estimate widget broken; the geocoding provider rejects requests with 'rate limit exceeded'.",
            ),
            (
                "Third-party API limits exceeded during sale",
                "Sale traffic multiplied calls to the tax calculation service and it started refusing them "
                "with HTTP 429.",
            ),
        ),
    ),
    Family(
        id="search-index-stale",
        services=("search",),
        root_cause="bug",
        alerts=("SearchIndexingLagHigh", "IndexerJobFailed"),
        resolutions=(
            "Restarted the indexer and reindexed the last day's changes.",
            "Fixed the change-data-capture connector offset and replayed events.",
            "Ran a full reindex; added an alert on index freshness.",
        ),
        reports=(
            (
                "Search results out of date",
                "New products do not appear in search; the last indexed document is {minutes} minutes old.",
            ),
            (
                "Indexer job silently stopped",
                "IndexerJobFailed: the indexing worker died on a schema mismatch and nothing has been indexed since.",
            ),
            (
                "Deleted items still showing in search",
                "Products removed from the catalogue still appear in results; index updates are not processed.",
            ),
            (
                "Price changes not reflected in search",
                "Search shows old prices; the change stream consumer feeding the index is stuck on an offset.",
            ),
            (
                "Search freshness lag growing",
                "SearchIndexingLagHigh; updates queue up because the bulk indexing requests are rejected.",
            ),
        ),
    ),
    Family(
        id="elasticsearch-cluster-red",
        services=("search",),
        root_cause="capacity",
        alerts=("ElasticsearchClusterRed", "ElasticsearchHeapUsageHigh"),
        resolutions=(
            "Freed disk on the data nodes and re-enabled shard allocation.",
            "Added two data nodes; unassigned shards recovered.",
            "Restored the lost shard from snapshot.",
        ),
        reports=(
            (
                "Elasticsearch cluster status red",
                "{n} primary shards unassigned after a data node left the cluster; searches on those indices fail.",
            ),
            (
                "Search returns errors: all shards failed",
                "Queries fail with 'search_phase_execution_exception: all shards failed'.",
            ),
            (
                "ES high disk watermark reached",
                "Data nodes passed the flood stage watermark; indices went read-only and shard allocation stopped.",
            ),
            (
                "OpenSearch heap pressure causing node drops",
                "Data nodes spend their time in GC and leave the cluster; shards relocate constantly and "
                "queries time out.",
            ),
            (
                "Unassigned shards, search partially down",
                "ElasticsearchClusterRed. Replicas cannot be placed and one primary is missing; some categories "
                "return no results.",
            ),
        ),
    ),
    Family(
        id="scheduled-job-ran-twice",
        services=("billing", "notifications"),
        root_cause="bug",
        alerts=("DuplicateChargeDetected",),
        resolutions=(
            "Refunded the duplicate charges; added a distributed lock to the scheduler.",
            "Made the job idempotent with a per-run key; deduplicated the sent emails.",
            "Ran the scheduler as a single replica until leader election is added.",
        ),
        reports=(
            (
                "Customers charged twice",
                "The monthly billing job ran on two replicas at once; {n} customers were charged twice.",
            ),
            (
                "Duplicate emails sent to all users",
                "Everyone received the weekly digest twice; the cron ran on both scheduler pods after the scale-up.",
            ),
            (
                "Cron job executed twice after failover",
                "During the failover the old and the new scheduler both fired the renewal job; invoices were "
                "duplicated.",
            ),
            (
                "Double billing for subscription renewals",
                "Renewals processed twice because the job is not idempotent and was retried after a timeout.",
            ),
            (
                "Reminder notifications sent multiple times",
                "Users complain about 3-4 identical reminders. Two instances of the scheduled task run "
                "concurrently without a lock.",
            ),
        ),
    ),
)
