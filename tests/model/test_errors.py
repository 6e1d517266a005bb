"""Broken blueprints and the exact lines a user gets: position, key path, what is wrong, what would be valid.

Each case is a blueprint file as a user would write it; ``BASE`` (see conftest.py, 12 lines) is a valid blueprint
that a case extends. The expected output is every error of the file, in file order, one per line.
"""
from __future__ import annotations

import pytest

from generator.errors import InputError, InputErrors
from generator.model import load_blueprint

P = "blueprints/shop.yaml"

CASES = [
    # --- YAML itself -------------------------------------------------------------------------------------------
    ("yaml-syntax", """
        name: shop
        network: {cidr: 10.0.0.0/16
        """,
     [f"{P}:3:1: invalid YAML: expected ',' or '}}', but got '<stream end>'"]),
    ("yaml-duplicate-key", """
        BASE
            port: 9090
        """,
     [f"{P}:13:5: services.web.port: duplicate key 'port' (first at line 11 column 5; each key may appear once)"]),
    ("yaml-tag", """
        name: shop
        network: !Ref VpcCidr
        """,
     [f"{P}:2:10: network: YAML tag !Ref is not allowed here (blueprints use plain values)"]),
    ("empty-file", "\n", [f"{P}:1:1: a blueprint is a mapping with name, network and services, got an empty file"]),
    ("top-level-list", """
        - name: shop
        """,
     [f"{P}:1:1: a blueprint is a mapping with name, network and services, got a list"]),
    # --- unknown keys, at several depths -----------------------------------------------------------------------
    ("unknown-top-key", """
        name: shop
        networks: {cidr: 10.0.0.0/16}
        """,
     [f"{P}:1:1: missing required key 'network'",
      f"{P}:2:1: networks: unknown key (did you mean 'network'?)"]),
    ("unknown-service-key", """
        BASE
            prot: 80
        """,
     [f"{P}:13:5: services.web.prot: unknown key (did you mean 'port'?)"]),
    ("route-empty-path-list", """
        BASE
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: public, path: []}
        """,
     # found by the long fuzz run: the derived priority took max() of no patterns (a traceback)
     [f"{P}:16:42: services.api.route.path: an empty list matches no request (give at least one pattern, "
      f"e.g. '/*')"]),
    ("unknown-route-key", """
        BASE
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: public, path: /api/*, healthcheck: /health}
        """,
     [f"{P}:16:50: services.api.route.healthcheck: unknown key (did you mean 'health_check'?)"]),
    ("unknown-key-no-close-match", """
        name: shop
        network: {cidr: 10.0.0.0/16, colour: blue}
        """,
     [f"{P}:2:30: network.colour: unknown key (valid: availability_zones, cidr, endpoints, existing, ipv6, nat, relax, "
     f"subnets)"]),
    ("unknown-certificate-key", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          lb: {scheme: internal, https: {certificate: {paramter: Cert}}}
        """,
     [f"{P}:4:48: load_balancers.lb.https.certificate.paramter: unknown key (did you mean 'parameter'?)"]),
    # --- wrong types and missing keys --------------------------------------------------------------------------
    ("services-as-list", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        services: [web]
        """,
     [f"{P}:3:11: services: expected a mapping, got a list"]),
    ("service-as-string", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        services:
          web: nginx:1.27
        """,
     [f"{P}:4:8: services.web: expected a mapping, got 'nginx:1.27'"]),
    ("missing-image", """
        BASE
          api:
            port: 9000
        """,
     [f"{P}:13:3: services.api: missing required key 'image' (e.g. image: public.ecr.aws/nginx/nginx:1.27)"]),
    ("types", """
        name: shop
        description: 42
        network: {cidr: 10.0.0.0/16, availability_zones: "2"}
        """,
     [f"{P}:2:14: description: expected a string, got 42",
      f"{P}:3:50: network.availability_zones: expected a whole number, got '2'"]),
    ("bool-and-enum", """
        BASE
            read_only_root_filesystem: "yes"
            egress: [{cidr: 0.0.0.0/0, port: 443, protocol: icmp, reason: ping}]
        """,
     [f"{P}:13:32: services.web.read_only_root_filesystem: expected true or false, got 'yes'",
      f"{P}:14:53: services.web.egress[0].protocol: 'icmp' is not valid (valid: tcp, udp)"]),
    ("nat-typo", """
        name: shop
        network: {cidr: 10.0.0.0/16, nat: perAZ}
        """,
     [f"{P}:2:35: network.nat: 'perAZ' is not valid (valid: per-az, single, none)"]),
    # --- tags and names ----------------------------------------------------------------------------------------
    ("tags", """
        name: shop
        tags: {"aws:team": x, team: [a]}
        network: {cidr: 10.0.0.0/16}
        """,
     [f"{P}:2:8: tags.aws:team: 'aws:team' uses the reserved prefix 'aws:' (choose another key, e.g. 'team')",
      f"{P}:2:29: tags.team: expected a string, got a list"]),
    ("names", """
        name: Shop
        network: {cidr: 10.0.0.0/16}
        services:
          web_1: {image: "nginx:1.27"}
        """,
     [f"{P}:1:7: name: 'Shop' is not a valid blueprint name (lowercase letters, digits and '-', starting with a "
      f"letter, at most 28 characters, e.g. 'shop')",
      f"{P}:4:3: services.web_1: 'web_1' is not a valid service name (lowercase letters, digits and '-', starting "
      f"with a letter, at most 28 characters, e.g. 'web')"]),
    ("names-with-the-same-logical-id", """
        BASE
          api-1: {image: "example/api:1.0"}
          api1: {image: "example/api:1.0"}
        """,
     [f"{P}:14:3: services.api1: 'api1' and 'api-1' both become 'Api1' in CloudFormation logical ids (rename one)"]),
    # --- sizes -------------------------------------------------------------------------------------------------
    ("memory-not-valid-with-cpu", """
        BASE
            cpu: 0.25 vCPU
            memory: 700 MiB
        """,
     [f"{P}:14:13: services.web.memory: 700 MiB is not valid with 0.25 vCPU (valid: 512, 1024, 2048)"]),
    ("memory-needs-more-cpu", """
        BASE
            memory: 6 GB
        """,
     [f"{P}:13:13: services.web.memory: 6144 MiB is not valid with 0.25 vCPU (valid: 512, 1024, 2048; or cpu "
      f"1 vCPU with memory 6144)"]),
    ("cpu-needs-more-memory-than-default", """
        BASE
            cpu: 1 vCPU
        """,
     [f"{P}:13:10: services.web.cpu: 1 vCPU is not valid with the default memory 512 MiB (set memory to one of: "
      f"2048, 3072, 4096, 5120, 6144, 7168, 8192)"]),
    ("cpu-not-a-size", """
        BASE
            cpu: 300
        """,
     [f"{P}:13:10: services.web.cpu: 300 CPU units is not a Fargate size (valid: 256 (0.25 vCPU), 512 (0.5 vCPU), "
      f"1024 (1 vCPU), 2048 (2 vCPU), 4096 (4 vCPU), 8192 (8 vCPU), 16384 (16 vCPU))"]),
    ("bad-units", """
        BASE
            cpu: lots
            memory: 1 TB
        """,
     [f"{P}:13:10: services.web.cpu: 'lots' is not a CPU size (use units like 256 or '0.25 vCPU')",
      f"{P}:14:13: services.web.memory: '1 TB' is not a memory size (use MiB like 512 or '1 GB')"]),
    # --- flows -------------------------------------------------------------------------------------------------
    ("flow-variable-collision", """
        BASE
            flows: [cache-db]
            environment: {CACHE_DB_HOST: cache.example.com, LOG_LEVEL: info}
          cache-db:
            image: example/cache:7.2
            port: 6379
        """,
     [f"{P}:14:19: services.web.environment.CACHE_DB_HOST: 'CACHE_DB_HOST' is set by the compiler from flows: "
      f"[cache-db] (how this service finds cache-db); remove it"]),
    ("flows", """
        BASE
            flows: [wroker, web, worker, worker]
          worker:
            image: example/worker:1.0
        """,
     [f"{P}:13:13: services.web.flows[0]: unknown service 'wroker' (did you mean 'worker'?)",
      f"{P}:13:21: services.web.flows[1]: a service needs no flow to itself (containers of one task talk over "
      f"localhost)",
      f"{P}:13:26: services.web.flows[2]: 'worker' has no port, so nothing can connect to it (give it a port or "
      f"remove the flow)",
      f"{P}:13:34: services.web.flows[3]: 'worker' is listed twice"]),
    # --- routes and load balancers -----------------------------------------------------------------------------
    ("route-to-unknown-balancer", """
        BASE
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: pubic, path: /api/*}
        """,
     [f"{P}:16:28: services.api.route.load_balancer: unknown load balancer 'pubic' (did you mean 'public'?)"]),
    ("route-without-port", """
        BASE
          worker:
            image: example/worker:1.0
            route: {load_balancer: public, path: /jobs/*}
        """,
     [f"{P}:15:12: services.worker.route: a route needs the service's container port (add port:, e.g. port: 8080)"]),
    ("internet-facing-without-https", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          public: {scheme: internet-facing}
        services:
          web: {image: "nginx:1.27", port: 80, route: {load_balancer: public}}
        """,
     [f"{P}:4:20: load_balancers.public.scheme: an internet-facing load balancer needs https (add https: "
      f"{{certificate: {{parameter: CertificateArn}}}}; HTTP then only redirects)"]),
    ("duplicate-top-level-key", """
        BASE
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
          spare: {scheme: internal}
        """,
     [f"{P}:13:1: load_balancers: duplicate key 'load_balancers' (first at line 4 column 1; each key may appear once)"]),
    ("certificate-arn", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          spare: {scheme: internal, https: {certificate: {arn: "arn:aws:acm:x"}}}
        """,
     [f"{P}:4:56: load_balancers.spare.https.certificate.arn: 'arn:aws:acm:x' is not an ACM certificate ARN "
      f"(arn:aws:acm:<region>:<account>:certificate/<id>)"]),
    ("balancer-nobody-routes-to", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          spare: {scheme: internal}
        """,
     [f"{P}:4:3: load_balancers.spare: no service routes to load balancer 'spare' (add route: {{load_balancer: "
      f"spare}} to a service, or remove it)"]),
    ("internal-balancer-nobody-calls", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          private: {scheme: internal}
        services:
          api: {image: "example/api:2.0", port: 9000, route: {load_balancer: private}}
          web: {image: "example/web:2.0", port: 9000}
        """,
     [f"{P}:4:3: load_balancers.private: nothing can reach internal load balancer 'private': no service has a flow "
      f"to api (add flows: [api] to the services that call it, or allow_from: [<corporate CIDR>] for callers outside "
      f"the VPC)"]),
    ("same-path-on-one-balancer", """
        BASE
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: public, path: ["/v1/*", "/*"]}
        """,
     [f"{P}:12:5: services.web.route.path: path '/*' is also routed to services.api on load balancer 'public' "
      f"(one of the rules would never match; add a host or another path)"]),
    ("duplicate-key-in-service", """
        BASE
            route: {load_balancer: public, path: /shop/*, priority: 5}
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: public, path: /api/*, priority: 5}
        """,
     [f"{P}:13:5: services.web.route: duplicate key 'route' (first at line 12 column 5; each key may appear once)"]),
    ("duplicate-priority", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          lb: {scheme: internal}
        services:
          web: {image: "nginx:1.27", port: 80, flows: [api], route: {load_balancer: lb, path: /a/*, priority: 5}}
          api: {image: "nginx:1.27", port: 80, route: {load_balancer: lb, path: /b/*, priority: 5}}
        """,
     [f"{P}:6:103: services.web.route.priority: priority 5 is also used by services.api.route on load balancer 'lb' "
      f"(each rule needs its own)"]),
    ("bad-path-and-host", """
        BASE
          api:
            image: example/api:2.0
            port: 9000
            route: {load_balancer: public, path: api/*, host: "bad host"}
        """,
     [f"{P}:16:42: services.api.route.path: 'api/*' is not a path pattern (starts with '/', at most 128 "
      f"characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and wildcards * ?, e.g. '/api/*')",
      f"{P}:16:55: services.api.route.host: 'bad host' is not a host name (e.g. shop.example.com or *.example.com)"]),
    ("ssl-policy", """
        name: shop
        network: {cidr: 10.0.0.0/16}
        load_balancers:
          lb:
            scheme: internal
            https: {certificate: {parameter: Cert}, ssl_policy: ELBSecurityPolicy-TLS-1-1-2017-01}
        """,
     [f"{P}:6:57: load_balancers.lb.https.ssl_policy: 'ELBSecurityPolicy-TLS-1-1-2017-01' is not valid (did you "
      f"mean 'ELBSecurityPolicy-TLS-1-2-2017-01'?; valid: ELBSecurityPolicy-TLS13-1-2-2021-06, "
      f"ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06, "
      f"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06, "
      f"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04, ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04, "
      f"ELBSecurityPolicy-TLS-1-2-2017-01, ELBSecurityPolicy-TLS-1-2-Ext-2018-06, ELBSecurityPolicy-FS-1-2-2019-08, "
      f"ELBSecurityPolicy-FS-1-2-Res-2019-08, ELBSecurityPolicy-FS-1-2-Res-2020-10)"]),
    # --- CIDRs -------------------------------------------------------------------------------------------------
    ("cidr-public-range", """
        name: shop
        network: {cidr: 8.8.0.0/16}
        """,
     [f"{P}:2:17: network.cidr: 8.8.0.0/16 is not a private range (use RFC 1918: 10.0.0.0/8, 172.16.0.0/12 or "
      f"192.168.0.0/16, e.g. 10.20.0.0/16)"]),
    ("cidr-host-bits", """
        name: shop
        network: {cidr: 10.0.0.1/16}
        """,
     [f"{P}:2:17: network.cidr: '10.0.0.1/16' has host bits set (did you mean 10.0.0.0/16?)"]),
    ("cidr-prefix", """
        name: shop
        network: {cidr: 10.0.0.0/8}
        """,
     [f"{P}:2:17: network.cidr: a /8 VPC is not allowed (prefix /16 to /24)"]),
    ("vpc-too-small", """
        name: shop
        network: {cidr: 10.0.0.0/24}
        """,
     [f"{P}:2:17: network.cidr: a /24 VPC cannot hold the subnet tiers even at /28 (3 tiers x 6 zone slots, "
      f"reserved so zones can be added without moving subnets; use a /23 VPC or larger)"]),
    ("subnets-do-not-fit", """
        name: shop
        network:
          cidr: 10.0.0.0/20
          availability_zones: 3
          subnets: {private: {prefix: 21}}
        """,
     [f"{P}:5:12: network.subnets: public /28, private /21, isolated /28 need 12480 addresses (3 tiers x 6 zone "
      f"slots, reserved so zones can be added without moving subnets) but the /20 VPC has 4096 (use a /18 VPC or "
      f"longer subnet prefixes)"]),
    ("subnet-larger-than-vpc", """
        name: shop
        network:
          cidr: 10.0.0.0/20
          subnets: {public: {prefix: 16}}
        """,
     [f"{P}:4:30: network.subnets.public.prefix: a /16 subnet does not fit 6 times in the /20 VPC (use /25 or "
      f"longer)"]),
    ("egress-inside-vpc", """
        BASE
            egress:
              - {cidr: 10.20.3.0/24, port: 5432, reason: database}
              - {cidr: 0.0.0.0/0, port: 443, reason: webhooks}
              - {cidr: 0.0.0.0/0, port: 443, reason: webhooks again}
        """,
     [f"{P}:14:16: services.web.egress[0].cidr: 10.20.3.0/24 is inside the VPC 10.20.0.0/16, where only load "
      f"balancers and tasks live (reach another service with flows: [name], which opens only its port to its "
      f"security group)",
      f"{P}:16:9: services.web.egress[2]: duplicates an earlier rule (tcp 443 to 0.0.0.0/0)"]),
    ("egress-shape", """
        BASE
            egress: [{cidr: 1.2.3.4, port: 70000, reason: " "}]
        """,
     [f"{P}:13:21: services.web.egress[0].cidr: '1.2.3.4' has no prefix length (write a CIDR, e.g. 1.2.3.4/32 for "
      f"one address)",
      f"{P}:13:36: services.web.egress[0].port: 70000 is out of range (valid: 1..65535)",
      f"{P}:13:51: services.web.egress[0].reason: must not be empty (say why the service needs "
      f"this egress)"]),
    # --- secrets and environment -------------------------------------------------------------------------------
    ("secret-arn-and-variable-name", """
        BASE
            environment: {"1X": a}
            secrets: {DB: "arn:aws:ssm:us-east-1:123456789012:secret/db"}
        """,
     [f"{P}:13:19: services.web.environment.1X: '1X' is not an environment variable name (letters, digits and '_', "
      f"not starting with a digit, e.g. LOG_LEVEL)",
      f"{P}:14:19: services.web.secrets.DB: 'arn:aws:ssm:us-east-1:123456789012:secret/db' is not a Secrets "
      f"Manager or SSM parameter ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name> or "
      f"arn:aws:ssm:<region>:<account>:parameter/<name>)"]),
    ("literal-secret-and-duplicate-name", """
        BASE
            environment: {DB_PASSWORD: hunter2, STRIPE_API_KEY: sk_live_x, LEVEL: info}
            secrets: {LEVEL: "arn:aws:secretsmanager:us-east-1:123456789012:secret:level-AbCdEf"}
        """,
     [f"{P}:13:32: services.web.environment.DB_PASSWORD: 'DB_PASSWORD' looks like a secret; a literal value would "
      f"be readable in the task definition (use secrets: with a Secrets Manager or SSM parameter ARN)",
      f"{P}:13:57: services.web.environment.STRIPE_API_KEY: 'STRIPE_API_KEY' looks like a secret; a literal value "
      f"would be readable in the task definition (use secrets: with a Secrets Manager or SSM parameter ARN)",
      f"{P}:14:15: services.web.secrets.LEVEL: 'LEVEL' is also set in environment (a variable comes from one "
      f"place: keep it in secrets)"]),
    # --- other service fields ----------------------------------------------------------------------------------
    ("log-retention", """
        BASE
            log_retention_days: 31
        """,
     [f"{P}:13:25: services.web.log_retention_days: 31 is not a CloudWatch Logs retention (nearest: 30; valid: 1, "
      f"3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)"]),
    ("scaling", """
        BASE
            count: 2
            scaling: {min: 2, max: 5}
        """,
     [f"{P}:14:14: services.web.scaling: set either count or scaling, not both (scaling replaces count; in an "
      f"environment overlay remove the base count with count: null)"]),
    ("scaling-min-above-max", """
        BASE
            scaling: {min: 5, max: 2}
        """,
     [f"{P}:13:20: services.web.scaling.min: min 5 is greater than max 2 (min <= max)"]),
    ("count-and-port-range", """
        BASE
            count: 1001
          api: {image: "example/api:2.0", port: 0, scaling: {min: 1, max: 2, cpu_target: 0}}
        """,
     [f"{P}:13:12: services.web.count: 1001 is out of range (valid: 0..1000)",
      f"{P}:14:41: services.api.port: 0 is out of range (valid: 1..65535)",
      f"{P}:14:82: services.api.scaling.cpu_target: 0 is out of range (valid: 1..100)"]),
    ("image-shape", """
        BASE
          a: {image: nginx}
          b: {image: "nginx:latest"}
          c: {image: "Bad Image:1"}
        """,
     [f"{P}:13:14: services.a.image: 'nginx' has no tag, so every deploy may run a different image (pin one: "
      f"nginx:<version> or nginx@sha256:<digest>)",
      f"{P}:14:14: services.b.image: 'nginx:latest' uses the moving tag 'latest' (pin a version or a digest)",
      f"{P}:15:14: services.c.image: 'Bad Image:1' is not a container image reference (e.g. "
      f"public.ecr.aws/nginx/nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2.0)"]),
    ("task-permissions-and-health-check", """
        BASE
            task_permissions: [{actions: ["s3:*"], resources: [my-bucket]}]
            health_check: {command: [curl, -f, localhost]}
        """,
     [f"{P}:13:35: services.web.task_permissions[0].actions[0]: 's3:*' grants every action of a service (least "
      f"privilege: name the actions, e.g. s3:GetObject)",
      f"{P}:13:56: services.web.task_permissions[0].resources[0]: 'my-bucket' is not an ARN (e.g. "
      f"arn:aws:s3:::shop-assets/*)",
      f"{P}:14:29: services.web.health_check.command: starts with 'curl' (start with 'CMD' and the program and "
      f"arguments, or 'CMD-SHELL' and one shell command)"]),
    # --- environments overlays ---------------------------------------------------------------------------------
    ("overlay-errors", """
        BASE
        environments:
          dev: {services: {web: {count: many}, wbe: {count: 1}}, name: shop-dev}
          Prod: {}
        """,
     [f"{P}:14:33: environments.dev.services.web.count: expected a whole number, got 'many'",
      f"{P}:14:40: environments.dev.services.wbe: unknown service 'wbe' (did you mean 'web'?)",
      f"{P}:14:58: environments.dev.name: 'name' cannot change per environment (set it once at the top of the "
      f"file)",
      f"{P}:15:3: environments.Prod: 'Prod' is not a valid environment name (lowercase letters, digits and '-', "
      f"starting with a letter, at most 16 characters, e.g. 'prod')"]),
    ("overlay-semantic-error-points-at-overlay", """
        BASE
            count: 2
        environments:
          dev: {network: {nat: none, availability_zones: 7}}
          prod: {services: {web: {scaling: {min: 2, max: 4}}}}
        """,
     [f"{P}:15:50: environments.dev.network.availability_zones: 7 is out of range (valid: 2..6)",
      f"{P}:16:36: environments.prod.services.web.scaling: set either count or scaling, not both (scaling replaces "
      f"count; in an environment overlay remove the base count with count: null)"]),
    ("overlay-unknown-key", """
        BASE
        environments:
          dev: {netwrk: {nat: single}, load_balancers: {pub: {scheme: internal}}}
        """,
     [f"{P}:14:9: environments.dev.netwrk: unknown key (did you mean 'network'?)",
      f"{P}:14:49: environments.dev.load_balancers.pub: unknown load balancer 'pub' (did you mean 'public'?)"]),
    ("overlay-cannot-add-a-database", """
        BASE
        databases:
          orders: {engine: postgres}
        environments:
          dev: {databases: {orders: {storage_gb: 50}, ordrs: {engine: mysql}}}
        """,
     [f"{P}:16:47: environments.dev.databases.ordrs: unknown database 'ordrs' (did you mean 'orders'?; an overlay "
      f"changes what the base declares and never adds: declare it at the top of the file)"]),
    ("overlay-cannot-add-the-first-database", """
        BASE
        environments:
          prod: {databases: {orders: {engine: postgres}}}
        """,
     [f"{P}:14:22: environments.prod.databases.orders: unknown database 'orders' (the base declares none; an "
      f"overlay changes what the base declares and never adds: declare it at the top of the file)"]),
    ("overlay-shape", """
        BASE
        environments:
          dev: [nat]
          prod: {}
        """,
     [f"{P}:14:8: environments.dev: expected a mapping of keys to override (or {{}}), got a list"]),
    ("environments-empty", """
        BASE
        environments: {}
        """,
     [f"{P}:13:15: environments: declares no environment (add one, e.g. dev: {{}}, or remove the key for a single "
      f"'default')"]),
    ("error-in-base-reported-once", """
        BASE
            memory: 3 GB
        environments: {dev: {}, prod: {}, test: {}}
        """,
     [f"{P}:13:13: services.web.memory: 3072 MiB is not valid with 0.25 vCPU (valid: 512, 1024, 2048; or cpu "
      f"0.5 vCPU with memory 3072)"]),
    # --- edge: CloudFront-only balancers, deletion protection, container hardening ---------------------------------
    ("cloudfront-on-internal-balancer", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internal
            allow_from: cloudfront
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
          caller:
            image: example/caller:1.0
            flows: [web]
        """,
     [f"{P}:7:17: load_balancers.public.allow_from: cloudfront applies to internet-facing balancers only "
      f"(CloudFront reaches origins over the internet; remove allow_from or use scheme: internet-facing)"]),
    ("desync-monitor-not-offered", """
        BASE
        environments:
          dev:
            load_balancers: {public: {desync_mitigation: monitor}}
        """,
     [f"{P}:15:50: environments.dev.load_balancers.public.desync_mitigation: 'monitor' is not valid (valid: "
      f"defensive, strictest)"]),
    ("balancer-relax-without-reason", """
        BASE
        environments:
          dev:
            load_balancers: {public: {relax: {deletion_protection: ""}}}
        """,
     [f"{P}:15:60: environments.dev.load_balancers.public.relax.deletion_protection: a reason of at least 10 "
      f"characters is required (say why this is acceptable, for the security review)"]),
    ("scratch-root", """
        BASE
            scratch: [/]
        """,
     [f"{P}:13:15: services.web.scratch[0]: '/' cannot be scratch space (the root filesystem stays read-only; name "
      f"the directories the image writes to, e.g. /tmp)"]),
    ("scratch-not-absolute", """
        BASE
            scratch: [tmp, /var/../etc]
        """,
     [f"{P}:13:15: services.web.scratch[0]: 'tmp' is not an absolute container path (e.g. /tmp or "
      f"/var/cache/nginx: starts with '/', no trailing '/', no '.' or '..' parts)",
      f"{P}:13:20: services.web.scratch[1]: '/var/../etc' is not an absolute container path (e.g. /tmp or "
      f"/var/cache/nginx: starts with '/', no trailing '/', no '.' or '..' parts)"]),
    ("scratch-duplicate", """
        BASE
            scratch: [/tmp, /tmp]
        """,
     [f"{P}:13:14: services.web.scratch: '/tmp' is listed twice"]),
    ("scratch-same-volume-name", """
        BASE
            scratch: [/a-b, /a/b]
        """,
     [f"{P}:13:14: services.web.scratch: '/a/b' and '/a-b' would share the volume name 'scratch-a-b' (list one of "
      f"them)"]),
    ("user-root", """
        BASE
            user: root
        """,
     [f"{P}:13:11: services.web.user: 'root' runs the container as root (name a non-root user or uid, e.g. "
      f"'1000:1000'; leave user out to keep the image's own USER)"]),
    ("user-uid-zero", """
        BASE
            user: "0:0"
        """,
     [f"{P}:13:11: services.web.user: '0:0' runs the container as root (name a non-root user or uid, e.g. "
      f"'1000:1000'; leave user out to keep the image's own USER)"]),
    ("user-not-a-user", """
        BASE
            user: "a b"
        """,
     [f"{P}:13:11: services.web.user: 'a b' is not a container user (user, uid, user:group or uid:gid, e.g. "
      f"'1000:1000' or 'app')"]),
    ("port-22-points-at-exec", """
        BASE
          admin:
            image: example/admin:1.0
            port: 22
        """,
     [f"{P}:15:11: services.admin.port: port 22 is SSH; containers are not reached over SSH (use exec: true for a "
      f"shell through ECS Exec, which opens no port)"]),
    # --- databases -----------------------------------------------------------------------------------------------
    ("db-engine-and-retention", """
        BASE
        databases:
          orders: {engine: oracle, backup_retention_days: 0}
        """,
     [f"{P}:14:20: databases.orders.engine: 'oracle' is not valid (valid: postgres, mysql, aurora-postgresql, "
      f"aurora-mysql)",
      f"{P}:14:51: databases.orders.backup_retention_days: 0 is out of range (valid: 1..35)"]),
    ("db-relax-reason-and-unknown-key", """
        BASE
        databases:
          orders:
            engine: postgres
            relax: {multi_az: short, encryption: "because we do not need it at all"}
        """,
     [f"{P}:16:23: databases.orders.relax.multi_az: a reason of at least 10 characters is required (say why this "
      f"is acceptable, for the security review)",
      f"{P}:16:30: databases.orders.relax.encryption: input should be 'backup_plan', 'backup_retention', 'deletion_protection', "
      f"'enhanced_monitoring', 'iam_authentication' or 'multi_az'"]),
    ("db-flow-to-unknown-database", """
        BASE
            flows: [ordres]
        databases:
          orders: {engine: postgres}
        """,
     [f"{P}:13:13: services.web.flows[0]: unknown service or database 'ordres' (did you mean 'orders'?)"]),
    ("db-name-collides-with-service", """
        BASE
          api: {image: "example/api:1.0", port: 9000, flows: [web]}
        databases:
          api: {engine: mysql}
        """,
     [f"{P}:15:3: databases.api: 'api' is also a service; flows: [api] would be ambiguous (rename one)"]),
    ("db-version-and-aurora-storage", """
        BASE
        databases:
          orders: {engine: postgres, version: "16.x"}
          events: {engine: aurora-mysql, storage_gb: 100}
        """,
     [f"{P}:14:39: databases.orders.version: '16.x' is not a postgres version (e.g. '17.6')",
      f"{P}:15:46: databases.events.storage_gb: aurora-mysql storage grows by itself (remove storage_gb, or use "
      f"engine postgres or mysql)"]),
    ("db-variables-set-by-the-compiler", """
        BASE
            flows: [orders]
            environment: {ORDERS_NAME: orders}
            secrets: {ORDERS_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf"}
        databases:
          orders: {engine: postgres}
        """,
     [f"{P}:14:19: services.web.environment.ORDERS_NAME: 'ORDERS_NAME' is set by the compiler from flows: "
      f"[orders] (how this service reaches and logs in to the orders database); remove it",
      f"{P}:15:15: services.web.secrets.ORDERS_PASSWORD: 'ORDERS_PASSWORD' is set by the compiler from flows: "
      f"[orders] (how this service reaches and logs in to the orders database); remove it"]),
    ("db-username-and-kms-key", """
        BASE
        databases:
          orders:
            engine: postgres
            username: postgres
            kms_key: {parameter: Key, arn: "arn:aws:kms:us-east-1:123456789012:key/abc"}
        """,
     [f"{P}:16:15: databases.orders.username: 'postgres' is reserved by RDS or the engine (choose another, e.g. "
      f"'app')",
      f"{P}:17:14: databases.orders.kms_key: set exactly one of 'parameter' or 'arn'"]),
]


def _lines(exc: InputError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, InputErrors) else [exc])]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_blueprint(write_blueprint, text, expected):
    path = write_blueprint(text)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert _lines(caught.value) == expected


def test_table_is_large_enough():
    assert len(CASES) >= 35


ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

NAT_NONE_CASES = [
    ("unknown-endpoint", """
        name: shop
        network: {cidr: 10.20.0.0/16, endpoints: [s3, ecr-api, logz]}
        """,
     [f"{P}:2:47: network.endpoints[1]: 'ecr-api' is not valid (did you mean 'ecr.api'?; valid: ecr.api, ecr.dkr, "
      f"kms, logs, monitoring, s3, secretsmanager, ssm, ssmmessages, sts)",
      f"{P}:2:56: network.endpoints[2]: 'logz' is not valid (did you mean 'logs'?; valid: ecr.api, ecr.dkr, kms, "
      f"logs, monitoring, s3, secretsmanager, ssm, ssmmessages, sts)"]),
    ("nat-none-no-endpoints", f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, nat: none}}
        services:
          worker: {{image: "{ECR}/worker:1.0"}}
        """,
     [f"{P}:2:36: network.nat: with nat none the services need VPC endpoints for ecr.api, ecr.dkr, logs, s3 (add "
      f"them under network.endpoints)"]),
    ("nat-none-secrets-need-their-endpoints", f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}}
        services:
          worker:
            image: "{ECR}/worker:1.0"
            secrets:
              TOKEN: arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf
              KEY: arn:aws:ssm:us-east-1:123456789012:parameter/shop/key
        """,
     [f"{P}:2:36: network.nat: with nat none the services need VPC endpoints for secretsmanager, ssm (add them "
      f"under network.endpoints)"]),
    ("nat-none-exec-needs-ssmmessages", f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}}
        services:
          worker: {{image: "{ECR}/worker:1.0", exec: true}}
        """,
     [f"{P}:2:36: network.nat: with nat none the services need VPC endpoints for ssmmessages (add them under "
      f"network.endpoints)"]),
    ("nat-none-image-outside-ecr", """
        name: shop
        network: {cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}
        services:
          web: {image: "public.ecr.aws/nginx/nginx:1.27"}
          api: {image: "example/api:2.0"}
        """,
     [f"{P}:4:16: services.web.image: 'public.ecr.aws/nginx/nginx:1.27' cannot be pulled with nat: none (only "
      f"private ECR images, <account>.dkr.ecr.<region>.amazonaws.com/<repository>, are reachable through VPC "
      f"endpoints; copy the image to ECR or use nat: single)",
      f"{P}:5:16: services.api.image: 'example/api:2.0' cannot be pulled with nat: none (only private ECR images, "
      f"<account>.dkr.ecr.<region>.amazonaws.com/<repository>, are reachable through VPC endpoints; copy the image "
      f"to ECR or use nat: single)"]),
    ("nat-none-egress-unusable", f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}}
        services:
          worker:
            image: "{ECR}/worker:1.0"
            egress: [{{cidr: 203.0.113.0/24, port: 443, reason: partner API}}]
        """,
     [f"{P}:6:14: services.worker.egress[0]: with nat: none the private subnets have no route out of the VPC, so "
      f"this egress could never be used (remove it or use nat: single)"]),
    ("overlay-nat-none-names-missing-endpoints", f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, endpoints: [s3, logs]}}
        services:
          worker: {{image: "{ECR}/worker:1.0"}}
        environments:
          dev: {{network: {{nat: none}}}}
          prod: {{}}
        """,
     [f"{P}:6:24: environments.dev.network.nat: with nat none the services need VPC endpoints for ecr.api, "
      f"ecr.dkr (add them under network.endpoints)"]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in NAT_NONE_CASES], ids=[c[0] for c in NAT_NONE_CASES])
def test_nat_none_and_endpoints(write_blueprint, text, expected):
    path = write_blueprint(text)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert _lines(caught.value) == expected


def test_nat_none_with_the_endpoints_it_needs_is_valid(write_blueprint):
    path = write_blueprint(f"""
        name: shop
        network: {{cidr: 10.20.0.0/16, nat: none, endpoints: [logs, s3, ecr.dkr, ecr.api, logs, sts]}}
        services:
          worker:
            image: "{ECR}/worker:1.0"
            secrets: {{KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/shop/key"}}
        """.replace("sts]", "sts, ssm]"))
    network = load_blueprint(path)["default"].network
    assert network.endpoints == ["ecr.api", "ecr.dkr", "logs", "s3", "ssm", "sts"]  # sorted, once each


def test_nat_none_without_services_is_fine(write_blueprint):
    path = write_blueprint("""
        name: shop
        network: {cidr: 10.20.0.0/16, nat: none}
        """)
    assert load_blueprint(path)["default"].network.nat == "none"


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        load_blueprint(str(tmp_path / "nope.yaml"))
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_service_named_data_is_reserved_when_there_are_databases(write_blueprint):
    """The data stack is <name>-<env>-data: a service called data would get the same stack name."""
    from generator.plan import plan

    path = write_blueprint("""
        name: shop
        network: {cidr: 10.20.0.0/16}
        services:
          data: {image: "example/data:1.0", flows: [orders]}
        databases:
          orders: {engine: postgres}
        """)
    with pytest.raises(InputError) as caught:
        plan(load_blueprint(path)["default"])
    assert _lines(caught.value) == [
        f"{P}:4:9: services.data: 'data' is reserved when the blueprint has databases: the environment's data stack "
        f"is shop-default-data (rename the service)"]
