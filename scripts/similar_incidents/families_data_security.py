"""Families 31-35: data fixes, time zones, leaked secrets, traffic floods and app crashes."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="backfill-corrupted-data",
        services=("inventory", "orders"),
        root_cause="data",
        alerts=("InventoryMismatchDetected",),
        resolutions=(
            "Restored the affected rows from the point-in-time backup and re-ran the backfill with a fix.",
            "Recomputed the stock counts from the movements ledger.",
            "Reverted the migration and repaired the records by script.",
        ),
        reports=(
            (
                "Backfill script overwrote stock levels",
                "The backfill ran without a WHERE clause and set {n} products' stock to zero; items show as sold out.",
            ),
            (
                "Inventory counts wrong after data migration",
                "Warehouse numbers disagree with the database after last night's migration; some SKUs doubled.",
            ),
            (
                "Corrupted order records",
                "Order lines point at the wrong products since the ID remapping job; customers see other items "
                "in their history.",
            ),
            (
                "Products oversold: stock data inconsistent",
                "InventoryMismatchDetected: available quantities were reset by a one-off data fix that ran "
                "against production instead of staging.",
            ),
            (
                "Bad data written by migration job",
                "A column conversion truncated decimal quantities; {pct}% of inventory rows now hold wrong values.",
            ),
        ),
    ),
    Family(
        id="timezone-dst-bug",
        services=("reporting", "billing"),
        root_cause="bug",
        alerts=(),
        resolutions=(
            "Stored and compared timestamps in UTC; re-generated the affected reports.",
            "Fixed the cron expression to run in UTC and re-ran the missed job.",
            "Patched the date library usage that assumed a fixed offset.",
        ),
        reports=(
            (
                "Daily report missing a day after DST change",
                "When clocks went back the report window skipped an hour and the nightly job dropped yesterday's data.",
            ),
            (
                "Revenue figures off by one hour of sales",
                "Finance noticed totals do not match; the report cuts days at local midnight using a fixed "
                "UTC+1 offset.",
            ),
            (
                "Scheduled invoices sent at the wrong time",
                "Invoices went out at 3am instead of 9am for customers in {region}; timezone conversion applied twice.",
            ),
            (
                "Daylight saving broke the nightly job",
                "The job scheduled at 02:30 local time did not run on the night of the spring-forward change.",
            ),
            (
                "Dates shifted by a day in exports",
                "CSV exports show every date one day early for users west of UTC: naive datetimes were "
                "converted as local time.",
            ),
        ),
    ),
    Family(
        id="leaked-credential",
        services=("api-gateway", "auth"),
        root_cause="security",
        alerts=("SecretScanningAlert", "UnusualAPIKeyUsage"),
        resolutions=(
            "Revoked and rotated the key, audited its use, purged it from git history.",
            "Rotated every credential in the leaked file and enabled push protection.",
            "Revoked the token; no misuse found in the access logs.",
        ),
        reports=(
            (
                "AWS access key committed to public repo",
                "Secret scanning flagged an access key in a public GitHub repository; it had admin rights.",
            ),
            (
                "API key leaked in client-side bundle",
                "The payment provider's secret key is visible in the JavaScript served to browsers.",
            ),
            (
                "Credentials exposed in logs",
                "Database passwords printed in plain text in the application logs shipped to the log vendor "
                "for {n} days.",
            ),
            (
                "Suspicious use of a service token",
                "UnusualAPIKeyUsage: a deploy token used from an unknown IP in {region}; it had been pasted in "
                "a public gist.",
            ),
            (
                "Secret pushed to GitHub, needs rotation",
                "A .env file with production secrets was committed; GitHub notified us of the exposed token.",
            ),
        ),
    ),
    Family(
        id="traffic-flood",
        services=("web", "api-gateway"),
        root_cause="security",
        alerts=("RequestRateAnomaly", "WAFBlockedRequestsHigh"),
        resolutions=(
            "Enabled WAF rate-based rules and blocked the offending ASN.",
            "Turned on the provider's DDoS protection mode; traffic normalised.",
            "Added a bot challenge on the login and search endpoints.",
        ),
        reports=(
            (
                "DDoS attack on the website",
                "Request rate jumped to {n} thousand per second from a botnet; legitimate users get timeouts.",
            ),
            (
                "Credential stuffing against login",
                "Millions of login attempts from rotating IPs; auth latency up and accounts being locked.",
            ),
            (
                "Scraper bots overloading the API",
                "Aggressive crawlers hit product endpoints {pct}% above normal volume; the gateway is saturated.",
            ),
            (
                "Layer 7 flood on search endpoint",
                "RequestRateAnomaly: expensive search queries from thousands of IPs; backend CPU saturated.",
            ),
            (
                "Traffic spike from malicious sources",
                "WAFBlockedRequestsHigh, yet enough requests get through to exhaust the web tier; the traffic "
                "comes from one hosting provider.",
            ),
        ),
    ),
    Family(
        id="mobile-app-crash",
        services=("mobile-api",),
        root_cause="deploy",
        alerts=("CrashFreeUsersDrop",),
        resolutions=(
            "Halted the staged rollout and shipped a hotfix build.",
            "Turned off the remote config key that triggered the crash; expedited review for the fix.",
            "Made the API return the old field again for old app versions.",
        ),
        reports=(
            (
                "iOS app crashes on launch",
                "Crash-free users dropped to {pct}% after version {version} reached the App Store; Crashlytics "
                "shows a crash at start-up.",
            ),
            (
                "Android app crashing for many users",
                "Play Console reports a spike in ANRs and crashes on the new release, mostly on Android 12.",
            ),
            (
                "App closes immediately after update",
                "Customers report the app closes itself as soon as it opens since this morning's update.",
            ),
            (
                "API change crashed older app versions",
                "We removed a field the old mobile clients decode without a default; those versions crash on "
                "the home screen.",
            ),
            (
                "Mobile crash rate spike",
                "CrashFreeUsersDrop: a remote config value with an unexpected type crashes the app at launch.",
            ),
        ),
    ),
)
