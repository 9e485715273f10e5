"""Families 21-25: releases, feature flags and third-party payment, SMS and email."""

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
)
