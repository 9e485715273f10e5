"""Families 11-20: the platform (containers, network, certificates, hosts)."""

from __future__ import annotations

from scripts.similar_incidents.family import Family

FAMILIES = (
    Family(
        id="pod-oom-memory-leak",
        services=("search", "api-gateway"),
        root_cause="bug",
        alerts=("KubePodOOMKilled", "ContainerMemoryNearLimit"),
        resolutions=(
            "Rolled back {version}; the leak came from an unbounded in-memory cache.",
            "Raised the memory limit as a stopgap and fixed the leaking buffer pool.",
            "Reverted the dependency upgrade that leaked response bodies.",
        ),
        reports=(
            (
                "search pods OOMKilled repeatedly",
                "Pods restart every {minutes} minutes with reason OOMKilled; memory climbs steadily after each start.",
            ),
            (
                "Memory leak in API gateway since {version}",
                "Heap grows without bound until the container is killed; during restarts clients get 502s.",
            ),
            (
                "Containers killed for exceeding memory limit",
                "The kernel OOM killer terminates the search service containers; RSS reaches the 2Gi limit "
                "within an hour of start-up.",
            ),
            (
                "Gateway restarting in a loop, exit code 137",
                "Exit code 137 on api-gateway pods, {n} restarts in the last hour. Heap dumps show millions of "
                "cached response objects.",
            ),
            (
                "Search unavailable: JVM out of memory",
                "java.lang.OutOfMemoryError: Java heap space in the search workers, then the pods are killed.",
            ),
        ),
    ),
    Family(
        id="node-disk-pressure",
        services=("api-gateway", "search", "checkout"),
        root_cause="capacity",
        alerts=("KubeNodeDiskPressure", "KubeNodeNotReady"),
        resolutions=(
            "Cleaned unused images and raised the kubelet image GC thresholds.",
            "Added nodes to the pool and cordoned the ones with full disks.",
            "Enlarged the node root volumes; moved container logs to a separate disk.",
        ),
        reports=(
            (
                "Kubernetes nodes under DiskPressure, pods evicted",
                "{n} nodes report DiskPressure; the kubelet evicts pods and they cannot be scheduled elsewhere.",
            ),
            (
                "Pods pending: no nodes available",
                "New pods stay Pending ('0/{n} nodes are available'); several nodes NotReady and the rest full.",
            ),
            (
                "Node pool ran out of ephemeral storage",
                "Image layers and emptyDir volumes filled the node root disks. Evictions took out checkout replicas.",
            ),
            (
                "Cluster nodes NotReady in {region}",
                "KubeNodeNotReady for a third of the workers; kubelet logs show image garbage collection "
                "failing because the disk is full.",
            ),
            (
                "Mass pod evictions across the cluster",
                "The scheduler keeps evicting workloads: nodes have no ephemeral storage left. Services run "
                "with half their replicas.",
            ),
        ),
    ),
    Family(
        id="crashloop-missing-config",
        services=("auth", "mobile-api"),
        root_cause="config-change",
        alerts=("KubePodCrashLooping", "DeploymentReplicasMismatch"),
        resolutions=(
            "Restored the deleted secret and restarted the deployment.",
            "Added the missing environment variable to the Helm values; made the app fail its readiness check "
            "instead of crashing.",
            "Reverted the config map change.",
        ),
        reports=(
            (
                "auth pods in CrashLoopBackOff",
                "New auth replicas crash at start-up: 'KeyError: JWT_SIGNING_KEY'. The secret was renamed in "
                "the last config change.",
            ),
            (
                "Deployment stuck, containers exit on start",
                "mobile-api rollout halted at {pct}%. The process exits immediately: missing environment "
                "variable DATABASE_URL.",
            ),
            (
                "Service crash-looping after config map edit",
                "Someone edited the config map by hand; the YAML no longer parses and every restart fails.",
            ),
            (
                "Pods restart endlessly: secret not found",
                "Kubelet reports 'secret \"auth-credentials\" not found' and containers back off; the secret "
                "was deleted during a namespace cleanup.",
            ),
            (
                "Rollout failed, new replicas never become ready",
                "KubePodCrashLooping on mobile-api after the values change; the config refers to a key that "
                "does not exist.",
            ),
        ),
    ),
    Family(
        id="dns-resolution",
        services=("api-gateway", "payments"),
        root_cause="network",
        alerts=("CoreDNSErrorsHigh", "DNSLookupFailures"),
        resolutions=(
            "Scaled CoreDNS and enabled NodeLocal DNSCache.",
            "Reverted the resolver change in the VPC DHCP options.",
            "Fixed the expired delegation of the internal zone.",
        ),
        reports=(
            (
                "DNS resolution failures inside the cluster",
                "Services fail with 'getaddrinfo EAI_AGAIN'; CoreDNS answers SERVFAIL for {pct}% of lookups.",
            ),
            (
                "Payments cannot resolve provider hostname",
                "Outbound calls fail: 'Name or service not known' for the payment provider's API host, only from "
                "our network.",
            ),
            (
                "Intermittent 'no such host' errors",
                "Random requests fail resolving internal service names; CoreDNS pods are CPU-throttled and drop "
                "queries.",
            ),
            (
                "Name lookups timing out in {region}",
                "UDP DNS queries time out after 5s; the conntrack table on the nodes is full and DNS packets "
                "are dropped.",
            ),
            (
                "Gateway 503s caused by resolver errors",
                "The API gateway cannot find upstreams because DNS lookups fail; the internal zone stopped "
                "resolving after a change to the resolver settings.",
            ),
        ),
    ),
    Family(
        id="tls-certificate-expired",
        services=("api-gateway", "web"),
        root_cause="expiry",
        alerts=("SSLCertExpiringSoon", "BlackboxProbeFailed"),
        resolutions=(
            "Renewed the certificate and fixed the cert-manager issuer's DNS01 credentials.",
            "Installed the renewed certificate on the load balancer by hand; added expiry alerts at 21 days.",
            "Fixed the ACME renewal that had been failing for a month.",
        ),
        reports=(
            (
                "TLS certificate expired on api.example.com",
                "Clients get 'certificate has expired' on the public API; the renewal job silently failed.",
            ),
            (
                "Browsers show NET::ERR_CERT_DATE_INVALID",
                "Customers see a security warning on the website; the cert on the load balancer is past its "
                "notAfter date.",
            ),
            (
                "SSL handshake failures for partner integrations",
                "Partners report 'x509: certificate has expired or is not yet valid' when calling our API since "
                "00:00 UTC.",
            ),
            (
                "cert-manager failed to renew, HTTPS down",
                "The Let's Encrypt certificate was not renewed: the DNS01 challenge fails with a revoked API "
                "token. HTTPS endpoints refuse connections.",
            ),
            (
                "Mobile apps cannot connect: expired cert",
                "The apps pin the chain; the intermediate certificate expired and every request fails the TLS "
                "handshake.",
            ),
        ),
    ),
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
