"""Families 11-15: containers, nodes, configuration, DNS and certificates."""

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
)
