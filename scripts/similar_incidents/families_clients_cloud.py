"""Families 36-40: push notifications, object storage, the cloud region, invoices, sessions."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="push-notifications-failing",
        services=("notifications", "mobile-api"),
        root_cause="expiry",
        alerts=("APNsErrorRateHigh", "PushDeliveryFailures"),
        resolutions=(
            "Uploaded a new APNs auth key and redeployed the push service.",
            "Renewed the push certificate; re-sent the failed notifications.",
            "Migrated to the FCM HTTP v1 API with the new service account.",
        ),
        reports=(
            (
                "Push notifications not delivered on iOS",
                "APNs rejects every request with 'ExpiredProviderToken'; iPhone users receive no pushes.",
            ),
            (
                "APNs certificate expired",
                "The Apple push certificate expired at midnight; PushDeliveryFailures at 100% for iOS.",
            ),
            (
                "Android pushes failing after Google API deprecation",
                "FCM legacy endpoint returns 404; all Android push notifications fail since {minutes} minutes.",
            ),
            (
                "Users not getting order updates on their phones",
                "No mobile notifications for order status changes; the push gateway authentication to Apple fails.",
            ),
            (
                "Push provider rejecting our credentials",
                "APNsErrorRateHigh: 403 InvalidProviderToken; the signing key was revoked in the developer account.",
            ),
        ),
    ),
    Family(
        id="object-storage-permissions",
        services=("storage", "web"),
        root_cause="config-change",
        alerts=("S3AccessDeniedErrors", "ImageLoadFailures"),
        resolutions=(
            "Restored the bucket policy from version control.",
            "Added the missing s3:PutObject permission to the service role.",
            "Reverted the public access block change for the assets bucket.",
        ),
        reports=(
            (
                "Uploads failing: S3 AccessDenied",
                "Profile picture uploads fail with 403 AccessDenied; the IAM role lost s3:PutObject in the "
                "policy refactor.",
            ),
            (
                "Product images not loading",
                "All product images return 403; the bucket policy was replaced by a stricter one.",
            ),
            (
                "Bucket policy change broke file downloads",
                "Invoice PDFs cannot be downloaded; signed URLs return AccessDenied after the block public "
                "access setting was enabled.",
            ),
            (
                "Storage service cannot write objects",
                "S3AccessDeniedErrors: {n} failed writes per minute since the Terraform change to the bucket.",
            ),
            (
                "Broken images across the site",
                "ImageLoadFailures; the CDN gets 403 from the origin bucket because the origin access identity "
                "was removed.",
            ),
        ),
    ),
    Family(
        id="cloud-region-degradation",
        services=("api-gateway", "orders", "payments"),
        root_cause="dependency",
        alerts=("MultipleServicesDegraded", "CloudProviderHealthEvent"),
        resolutions=(
            "Failed over to the secondary region; failed back when the provider recovered.",
            "Waited out the provider's incident; replayed failed jobs afterwards.",
            "Shifted traffic away from the impaired zone.",
        ),
        reports=(
            (
                "AWS {region} degraded, many services affected",
                "Elevated error rates across the board; AWS reports increased API error rates in {region} for "
                "EC2 and ELB.",
            ),
            (
                "Cloud provider outage",
                "CloudProviderHealthEvent: the provider has a major incident; our instances cannot be launched "
                "and some volumes are impaired.",
            ),
            (
                "Widespread failures: provider control plane issues",
                "Autoscaling cannot start instances and load balancers fail to register targets; the provider "
                "is investigating.",
            ),
            (
                "Everything slow in one region",
                "MultipleServicesDegraded: orders, payments and the gateway all report errors in {region} only; "
                "the provider status page lists an incident.",
            ),
            (
                "Regional outage at hosting provider",
                "Our primary region is impaired; storage latency is extreme and managed database connections drop.",
            ),
        ),
    ),
    Family(
        id="invoice-amounts-wrong",
        services=("billing",),
        root_cause="bug",
        alerts=(),
        resolutions=(
            "Corrected the rounding mode; issued credit notes for the affected invoices.",
            "Fixed the currency conversion rate cache and regenerated the invoices.",
            "Reverted the tax rule change and re-issued invoices.",
        ),
        reports=(
            (
                "Invoices with wrong amounts",
                "Customers report invoice totals a few cents off; rounding is applied per line instead of on "
                "the total.",
            ),
            (
                "VAT calculated incorrectly on invoices",
                "EU invoices show the wrong tax rate since the tax rule update; {n} invoices affected.",
            ),
            (
                "Currency conversion wrong on bills",
                "Invoices in GBP were computed with a stale exchange rate cached for weeks.",
            ),
            (
                "Billing overcharged customers",
                "Plan upgrades were billed at the full price instead of prorated; accounts charged {pct}% too much.",
            ),
            (
                "Finance found discrepancies in invoice totals",
                "Totals on the PDF and in the ledger disagree; floating point arithmetic in the new invoice renderer.",
            ),
        ),
    ),
    Family(
        id="sessions-lost",
        services=("auth", "web"),
        root_cause="config-change",
        alerts=("LoginRateSpike",),
        resolutions=(
            "Restored the previous session signing secret alongside the new one so both validate.",
            "Fixed the cookie domain attribute.",
            "Made the session store persistent again.",
        ),
        reports=(
            (
                "All users logged out",
                "Everyone was signed out at once; the session signing secret was rotated without keeping the old one.",
            ),
            (
                "Users repeatedly asked to log in again",
                "Sessions are not kept across requests: the cookie domain changed to www and the API no longer "
                "receives it.",
            ),
            (
                "Login sessions lost after deploy",
                "LoginRateSpike: the new release uses a different cookie name; everyone's session was invalidated.",
            ),
            (
                "Customers kicked out of their accounts",
                "Sessions disappear after a few minutes; the session store was switched to an in-memory backend "
                "by a config change.",
            ),
            (
                "Sign-in not sticking, cookies rejected",
                "Browsers drop our session cookie since SameSite=None was removed; users on the embedded "
                "checkout lose their login.",
            ),
        ),
    ),
)
