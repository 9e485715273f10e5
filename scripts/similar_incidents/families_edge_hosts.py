"""Families 16-20: the CDN, load balancers, the network, host disks and clocks."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="cdn-provider-outage",
        services=("web",),
        root_cause="dependency",
        alerts=("CDNErrorRateHigh", "SyntheticCheckFailed"),
        resolutions=(
            "Failed over to the secondary CDN via DNS weights.",
            "Waited for the provider's fix; purged the bad cached objects.",
            "Bypassed the CDN for the API paths until the provider recovered.",
        ),
        reports=(
            (
                "CDN returning 503 for static assets",
                "Images, CSS and JS fail to load in {region}; the CDN provider's status page reports degraded "
                "edge locations.",
            ),
            (
                "Website broken: assets not loading",
                "Pages render without styles; requests for /static return 5xx from the edge, origin is healthy.",
            ),
            (
                "Edge provider outage",
                "Our CDN vendor has a global incident; {pct}% of page loads fail at the edge.",
            ),
            (
                "Stale JS bundle served after deploy",
                "The CDN keeps serving the previous bundle which calls removed endpoints; the purge request "
                "failed on the provider side.",
            ),
            (
                "Cloudflare errors for European users",
                "European visitors get 520/522 errors from the edge; origin logs show no requests from those "
                "locations.",
            ),
        ),
    ),
    Family(
        id="load-balancer-health-checks",
        services=("api-gateway",),
        root_cause="config-change",
        alerts=("ALBUnhealthyTargets", "APIAvailabilityLow"),
        resolutions=(
            "Pointed the target group health check back at /healthz.",
            "Reverted the Terraform change to the listener rules.",
            "Fixed the security group so the load balancer can reach the targets.",
        ),
        reports=(
            (
                "All load balancer targets unhealthy",
                "The ALB marks every target unhealthy and returns 503; the health check path was changed to "
                "/status, which does not exist.",
            ),
            (
                "API 503 after infrastructure change",
                "A Terraform apply changed the target group; health checks fail and no traffic reaches the gateway.",
            ),
            (
                "Gateway instances failing health probes",
                "Instances are healthy but the LB probes time out: the new security group blocks the health "
                "check port.",
            ),
            (
                "Traffic black-holed at the load balancer",
                "APIAvailabilityLow; the listener rule now forwards to an empty target group after the refactoring.",
            ),
            (
                "Healthy hosts deregistered by the ALB",
                "Targets flap between healthy and unhealthy since the health check timeout was set to 1s; "
                "{pct}% of requests get 502.",
            ),
        ),
    ),
    Family(
        id="network-packet-loss",
        services=("orders", "inventory"),
        root_cause="network",
        alerts=("CrossAZPacketLoss", "ServiceErrorRateHigh"),
        resolutions=(
            "Drained traffic from the affected availability zone until the provider fixed the link.",
            "The provider replaced a faulty switch; traffic recovered.",
            "Routed around the bad transit link.",
        ),
        reports=(
            (
                "Packet loss between availability zones",
                "{pct}% packet loss between {region}a and {region}b; cross-zone calls from orders to inventory "
                "time out.",
            ),
            (
                "Network partition: services cannot reach each other",
                "Inventory is unreachable from half the order pods; TCP retransmits spike and connections reset.",
            ),
            (
                "Timeouts calling inventory from orders",
                "Calls that usually take 20 ms time out at 5 s for some pods; mtr shows loss at a hop inside "
                "the provider network.",
            ),
            (
                "Flaky connectivity in {region}",
                "Random connection resets and retransmissions between services in one zone; the provider "
                "acknowledged a network issue.",
            ),
            (
                "Inter-AZ latency and drops",
                "CrossAZPacketLoss fired; RPCs between zones see retransmits and tail latency of seconds.",
            ),
        ),
    ),
    Family(
        id="host-disk-logs",
        services=("reporting", "search"),
        root_cause="capacity",
        alerts=("HostDiskWillFillIn4Hours", "NodeFilesystemAlmostFull"),
        resolutions=(
            "Rotated and compressed the logs; set up logrotate with size limits.",
            "Turned debug logging back off and deleted the huge log files.",
            "Moved application logs to the log shipper instead of local files.",
        ),
        reports=(
            (
                "Disk filled by application logs",
                "/var/log reached 100% on {host}; debug logging left on after the last investigation wrote "
                "{n} GB a day.",
            ),
            (
                "Reporting workers failing: no space left",
                "Report generation fails writing temp files; the disk is full of rotated-but-never-deleted logs.",
            ),
            (
                "Search indexer stopped, filesystem full",
                "NodeFilesystemAlmostFull; the indexer's verbose logs consumed the root partition.",
            ),
            (
                "Log volume exploded after enabling trace level",
                "Trace logging in production produced {n} GB in hours; hosts are out of disk and processes "
                "crash on write.",
            ),
            (
                "Hosts running out of disk because of logrotate failure",
                "Logrotate stopped working after the OS upgrade; logs grow unbounded on every reporting host.",
            ),
        ),
    ),
    Family(
        id="clock-skew",
        services=("auth",),
        root_cause="config-change",
        alerts=("NodeClockSkewDetected", "AuthTokenValidationErrors"),
        resolutions=(
            "Restarted chronyd with the correct NTP servers; clocks resynchronised.",
            "Re-enabled time sync on the new image and widened the token leeway to 60s.",
            "Fixed the firewall rule blocking NTP.",
        ),
        reports=(
            (
                "Clock drift breaking token validation",
                "Tokens are rejected as 'issued in the future'; some hosts' clocks are {minutes} minutes off.",
            ),
            (
                "NTP not syncing on new hosts",
                "The new base image ships without chrony; time drifts and JWT nbf/exp checks fail at random.",
            ),
            (
                "Logins failing on some nodes: token not yet valid",
                "Users get logged out or cannot log in, depending on which auth node serves them; that node's "
                "system time is wrong.",
            ),
            (
                "Time skew between auth servers",
                "NodeClockSkewDetected: offset of several minutes. Signed requests fail with 'signature expired'.",
            ),
            (
                "OTP codes rejected, server time wrong",
                "Two-factor codes never match because the auth host's clock is ahead; the firewall change "
                "blocked UDP 123.",
            ),
        ),
    ),
)
