"""Families 21-30: releases, flags, third parties and search infrastructure."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="bad-release-500s",
        services=("checkout", "mobile-api"),
        root_cause="deploy",
        alerts=("HTTP5xxRateHigh", "ErrorBudgetBurn"),
        resolutions=(
            "Rolled back to the previous release; fixed the null check and redeployed.",
            "Reverted the commit and added a test for the empty basket case.",
            "Rollback; the canary stage now gates on the 5xx rate.",
        ),
        reports=(
            (
                "500 errors on checkout after deploy",
                "Release {version} went out at 14:02; since then POST /checkout returns 500 for {pct}% of "
                "requests: NullPointerException in the discount calculation.",
            ),
            (
                "New release broke the mobile API",
                "The mobile app shows 'Something went wrong' on every screen; the API answers 500 since the "
                "deployment. Stack traces point at the new serializer.",
            ),
            (
                "Error rate spike right after rollout",
                "HTTP5xxRateHigh fired {minutes} minutes after the rollout finished; TypeError: cannot read "
                "property 'id' of undefined.",
            ),
            (
                "Regression in {version}: payments step crashes",
                "Customers cannot get past the payment step; the app throws an unhandled exception introduced "
                "by the latest merge.",
            ),
            (
                "Deploy caused internal server errors",
                "Error budget burning fast; the release changed the response format and the handler blows up "
                "on legacy records.",
            ),
        ),
    ),
    Family(
        id="feature-flag-misfire",
        services=("web", "checkout"),
        root_cause="config-change",
        alerts=("ConversionRateDrop",),
        resolutions=(
            "Turned the flag off; added approval for flags targeting 100% of users.",
            "Reverted the targeting rule in the flag service.",
            "Disabled the experiment and restored the default variant.",
        ),
        reports=(
            (
                "Unfinished feature enabled for everyone",
                "The new checkout flow flag was switched to 100% instead of the internal group; customers see "
                "a half-built page.",
            ),
            (
                "Feature flag flipped by mistake",
                "A LaunchDarkly targeting rule was edited in the wrong environment; production users got the "
                "beta pricing page.",
            ),
            (
                "Conversion dropped {pct}% after experiment launch",
                "The A/B experiment shipped with both variants broken for logged-out users; flag rollout "
                "reached all traffic.",
            ),
            (
                "Toggle turned on new payment form prematurely",
                "Someone toggled the payment form flag on in prod; it posts to an endpoint that does not exist yet.",
            ),
            (
                "Customers seeing beta UI",
                "The percentage rollout was misconfigured (100 instead of 10); the beta interface is visible to "
                "all customers.",
            ),
        ),
    ),
    Family(
        id="payment-provider-outage",
        services=("payments", "checkout"),
        root_cause="dependency",
        alerts=("PaymentAuthorizationFailureRate", "PSPErrorRateHigh"),
        resolutions=(
            "Switched card processing to the backup provider until the PSP recovered.",
            "Waited for the provider to resolve their incident; retried the failed authorisations.",
            "Enabled the queued-payment fallback and reconciled afterwards.",
        ),
        reports=(
            (
                "Payment provider outage, card payments failing",
                "Stripe API returns 503 for charges; {pct}% of payment attempts fail. Their status page confirms "
                "a partial outage.",
            ),
            (
                "Card authorisations declined en masse",
                "Almost every card is declined with 'processor unavailable'; the acquirer is having problems.",
            ),
            (
                "PSP timeouts at checkout",
                "Calls to Adyen take 30 s and time out; customers cannot pay. No change on our side.",
            ),
            (
                "Customers unable to pay",
                "Payment step spins then fails; logs show gateway errors from the payment service provider "
                "since {minutes} minutes ago.",
            ),
            (
                "Elevated payment failures from upstream processor",
                "PaymentAuthorizationFailureRate at {pct}%; the processor acknowledged degraded authorisation "
                "in {region}.",
            ),
        ),
    ),
    Family(
        id="sms-otp-delays",
        services=("auth", "notifications"),
        root_cause="dependency",
        alerts=("SMSDeliveryLatencyHigh", "OTPVerificationFailures"),
        resolutions=(
            "Failed over SMS delivery to the secondary provider.",
            "The provider fixed a carrier route; delivery times normal.",
            "Offered email one-time codes while SMS was degraded.",
        ),
        reports=(
            (
                "SMS one-time passwords arriving late",
                "Users receive their login codes {minutes} minutes late, after they expire; Twilio reports "
                "carrier delays.",
            ),
            (
                "2FA codes not delivered",
                "Customers cannot log in: verification texts never arrive for numbers on one carrier.",
            ),
            (
                "Signup blocked: phone verification failing",
                "OTPVerificationFailures up {pct}%; SMS messages are queued at the provider.",
            ),
            (
                "Text message provider degraded",
                "Our SMS vendor's API accepts messages but delivery receipts show 'undelivered' for most of them.",
            ),
            (
                "Login verification SMS stuck in queue",
                "SMSDeliveryLatencyHigh; messages sit in the provider's queue and the codes time out before "
                "they reach the phone.",
            ),
        ),
    ),
    Family(
        id="email-deliverability",
        services=("notifications",),
        root_cause="config-change",
        alerts=("EmailBounceRateHigh",),
        resolutions=(
            "Restored the SPF include and DKIM record removed in the DNS cleanup.",
            "Moved sending to a warmed IP pool; requested delisting from the blocklist.",
            "Fixed the DMARC policy and re-verified the sending domain.",
        ),
        reports=(
            (
                "Emails going to spam after DNS change",
                "The SPF record lost the provider include in the DNS cleanup; Gmail marks our mail as spam.",
            ),
            (
                "Bounce rate spiking for transactional email",
                "EmailBounceRateHigh: {pct}% hard bounces, '550 5.7.26 unauthenticated email' from Google.",
            ),
            (
                "Password reset emails not arriving",
                "Customers never receive reset links. DKIM signatures fail verification after the key rotation.",
            ),
            (
                "Our sending IP got blocklisted",
                "Microsoft and Yahoo reject our mail; the shared IP is on a blocklist after another tenant's campaign.",
            ),
            (
                "Order confirmation emails rejected by receivers",
                "Receiving servers reject our messages: DMARC alignment fails because the from-domain changed.",
            ),
        ),
    ),
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
