"""Broken additional containers (containers: inside a service) and the exact lines a user gets.

Each case extends the 12-line ``BASE`` of conftest.py (service ``web`` on port 8080 behind ``public``), so appended
lines start at 13. Every error of a file, in file order, one per line: position, key path, what is wrong, what would
be valid.
"""
from __future__ import annotations

import pytest

from generator.errors import InputError, InputErrors
from generator.model import load_blueprint

P = "blueprints/shop.yaml"

CASES = [
    ("name-clash", """
        BASE
            containers:
              web: {image: public.ecr.aws/docker/library/busybox:1.36}
        """,
     [
      f"{P}:14:7: services.web.containers.web: 'web' is the main container's name (the service's); rename this one"]),
    ("bad-container-name", """
        BASE
            containers:
              Log_Router: {image: public.ecr.aws/docker/library/busybox:1.36}
        """,
     [
      f"{P}:14:7: services.web.containers.Log_Router: 'Log_Router' is not a valid container name (lowercase letters, digits, '-' and '_', starting with a letter, at most 63 characters, e.g. 'log-router')"]),
    ("unknown-dependency", """
        BASE
            depends_on: {log-routr: START}
            containers:
              log-router: {image: public.ecr.aws/docker/library/busybox:1.36}
        """,
     [
      f"{P}:13:18: services.web.depends_on.log-routr: unknown container 'log-routr' (did you mean 'log-router'?)"]),
    ("depends-on-without-containers", """
        BASE
            depends_on: {envoy: HEALTHY}
        """,
     [
      f"{P}:13:18: services.web.depends_on.envoy: unknown container 'envoy' (this service has no containers: to wait for)"]),
    ("bad-condition", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, depends_on: {web: STARTED}}
        """,
     [
      f"{P}:14:66: services.web.containers.envoy.depends_on.web: 'STARTED' is not valid (did you mean 'START'?; valid: START, COMPLETE, SUCCESS, HEALTHY)"]),
    ("cycle", """
        BASE
            depends_on: {envoy: START}
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, depends_on: {agent: START}}
              agent: {image: amazon/cloudwatch-agent:1.300037.1, depends_on: {web: START}}
        """,
     [
      f"{P}:16:76: services.web.containers.agent.depends_on.web: dependency cycle 'web' -> 'envoy' -> 'agent' -> 'web': ECS could start none of them (remove one of the waits)"]),
    ("self-wait", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, depends_on: {envoy: START}}
        """,
     [
      f'{P}:14:61: services.web.containers.envoy.depends_on.envoy: a container cannot wait for itself (remove this entry)']),
    ("healthy-without-health-check", """
        BASE
            depends_on: {envoy: HEALTHY}
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0}
        """,
     [
      f"{P}:13:25: services.web.depends_on.envoy: HEALTHY needs a health check on 'envoy' (add health_check: to it, or wait for START)"]),
    ("complete-on-essential", """
        BASE
            depends_on: {init: COMPLETE}
            containers:
              init: {image: public.ecr.aws/docker/library/busybox:1.36, essential: true}
        """,
     [
      f"{P}:13:24: services.web.depends_on.init: COMPLETE waits for 'init' to exit, but it is essential: its exit would stop the task (set essential: false on init, or wait for START or HEALTHY)"]),
    ("success-on-main", """
        BASE
            containers:
              agent: {image: amazon/cloudwatch-agent:1.300037.1, depends_on: {web: SUCCESS}}
        """,
     [
      f"{P}:14:76: services.web.containers.agent.depends_on.web: SUCCESS waits for 'web' to exit, but the main container is essential and its exit stops the task (wait for START or HEALTHY)"]),
    ("cpu-share-too-large", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, cpu: 128}
              agent: {image: amazon/cloudwatch-agent:1.300037.1, cpu: 128}
        """,
     [
      f"{P}:15:63: services.web.containers.agent.cpu: the additional containers take 256 of the task's 256 cpu units (envoy 128, agent 128), leaving nothing for the main container (lower the shares, or raise the service's cpu)"]),
    ("memory-share-too-large", """
        BASE
            memory: 1024
            containers:
              agent: {image: amazon/cloudwatch-agent:1.300037.1, memory_reservation: 1024}
        """,
     [
      f"{P}:15:78: services.web.containers.agent.memory_reservation: the additional containers take 1024 of the task's 1024 MiB (agent 1024), leaving nothing for the main container (lower the shares, or raise the service's memory)"]),
    ("reservation-above-limit", """
        BASE
            containers:
              agent: {image: amazon/cloudwatch-agent:1.300037.1, memory: 64, memory_reservation: 128}
        """,
     [
      f'{P}:14:90: services.web.containers.agent.memory_reservation: 128 MiB is above the hard limit memory 64 (the reservation is at most memory)']),
    ("port-clash", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, ports: [8080, {port: 22}]}
        """,
     [
      f"{P}:14:56: services.web.containers.envoy.ports[0]: port 8080/tcp is also the main container's; containers of a task share one network namespace (choose another port)",
      f'{P}:14:62: services.web.containers.envoy.ports[1]: port 22 is SSH; containers are not reached over SSH (use exec: true)']),
    ("unpinned-sidecar-image", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:latest}
        """,
     [
      f"{P}:14:22: services.web.containers.envoy.image: 'envoyproxy/envoy:latest' uses the moving tag 'latest' (pin a version or a digest)"]),
    ("root-sidecar", """
        BASE
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0, user: "0:0"}
        """,
     [
      f"{P}:14:54: services.web.containers.envoy.user: '0:0' runs the container as root (name a non-root user or uid, e.g. '1000:1000'; leave user out to keep the image's own USER)"]),
    ("firelens-without-router", """
        BASE
            logging: firelens
        """,
     [
      f'{P}:13:14: services.web.logging: firelens needs a log router container in this service (add one under containers: with firelens: {{type: fluentbit}})']),
    ("firelens-without-router-among-containers", """
        BASE
            logging: firelens
            containers:
              envoy: {image: envoyproxy/envoy:v1.31.0}
        """,
     [
      f'{P}:13:14: services.web.logging: firelens needs a log router container in this service (add one under containers: with firelens: {{type: fluentbit}})']),
    ("two-routers", """
        BASE
            logging: firelens
            containers:
              router-a: {image: amazon/aws-for-fluent-bit:2.32.4, firelens: {type: fluentbit}}
              router-b: {image: fluent/fluentd:v1.17.1-1.0, firelens: {type: fluentd}, logging: firelens}
        """,
     [
      f"{P}:16:63: services.web.containers.router-b.firelens: a task has one FireLens log router, and 'router-a' is already it (remove one)",
      f"{P}:16:89: services.web.containers.router-b.logging: the log router cannot log through itself; it logs to the service's encrypted log group (remove logging)"]),
    ("bad-log-route", """
        BASE
            logging: splunk
        """,
     [
      f"{P}:13:14: services.web.logging: 'splunk' is not a log route (valid: awslogs, firelens, or {{driver: firelens, options: {{...}}}})"]),
    ("awslogs-with-options", """
        BASE
            logging: {driver: awslogs, options: {Name: cloudwatch_logs}}
        """,
     [
      f"{P}:13:41: services.web.logging.options: options apply to firelens only (awslogs goes to the service's log group; remove options or use driver: firelens)"]),
    ("firelens-s3-config", """
        BASE
            containers:
              router: {image: amazon/aws-for-fluent-bit:2.32.4, firelens: {type: fluentbit, options: {config-file-type: s3}}}
        """,
     [
      f"{P}:14:94: services.web.containers.router.firelens.options: config-file-type 's3' is not available on Fargate (only 'file': a configuration file inside the router's image)"]),
    ("firelens-unknown-type", """
        BASE
            containers:
              router: {image: amazon/aws-for-fluent-bit:2.32.4, firelens: {type: fluentbits}}
        """,
     [
      f"{P}:14:74: services.web.containers.router.firelens.type: 'fluentbits' is not valid (did you mean 'fluentbit'?; valid: fluentbit, fluentd)"]),
    ("secret-in-sidecar-environment", """
        BASE
            containers:
              agent: {image: amazon/cloudwatch-agent:1.300037.1, environment: {DD_API_KEY: abc}}
        """,
     [
      f"{P}:14:84: services.web.containers.agent.environment.DD_API_KEY: 'DD_API_KEY' looks like a secret; a literal value would be readable in the task definition (use secrets: with a Secrets Manager or SSM parameter ARN)"]),
    ("volumes", """
        BASE
            volumes: [shared, shared, spare]
            mounts: {shared: /data, other: /other}
            containers:
              agent:
                image: amazon/cloudwatch-agent:1.300037.1
                scratch: [/tmp]
                mounts: {shared: /tmp}
        """,
     [
      f"{P}:13:23: services.web.volumes[1]: 'shared' is listed twice",
      f"{P}:13:31: services.web.volumes[2]: 'spare' is mounted by no container (add mounts: {{spare: /path}} where it is used, or remove it)",
      f"{P}:14:29: services.web.mounts.other: unknown volume 'other' (valid: shared, spare)",
      f"{P}:19:26: services.web.containers.agent.mounts.shared: '/tmp' is already mounted here (scratch); one volume per path"]),
    ("volume-prefix", """
        BASE
            volumes: [scratch-x]
        """,
     [
      f"{P}:13:15: services.web.volumes[0]: 'scratch-x' starts with 'scratch-', the prefix of the volumes scratch: creates (choose another name, e.g. 'shared-logs')"]),
    ("too-many-containers", """
        BASE
            containers:
              c1: {image: busybox:1.36}
              c2: {image: busybox:1.36}
              c3: {image: busybox:1.36}
              c4: {image: busybox:1.36}
              c5: {image: busybox:1.36}
              c6: {image: busybox:1.36}
              c7: {image: busybox:1.36}
              c8: {image: busybox:1.36}
              c9: {image: busybox:1.36}
              c10: {image: busybox:1.36}
        """,
     [
      f"{P}:14:7: services.web.containers: 10 additional containers; a task holds at most 10 with the main one (ECS's containers per task definition)"]),
    ("nat-none-sidecar-image", """
        name: shop
        network:
          cidr: 10.20.0.0/16
          nat: none
          endpoints: [ecr.api, ecr.dkr, logs, s3, ssm]
        services:
          worker:
            image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1.0
            containers:
              agent:
                image: amazon/cloudwatch-agent:1.300037.1
                secrets: {CW_CONFIG_CONTENT: "arn:aws:secretsmanager:us-east-1:123456789012:secret:cw-AbCdEf"}
        """,
     [
      f'{P}:4:8: network.nat: with nat none the services need VPC endpoints for secretsmanager (add them under network.endpoints)',
      f"{P}:11:16: services.worker.containers.agent.image: 'amazon/cloudwatch-agent:1.300037.1' cannot be pulled with nat: none (only private ECR images are reachable through VPC endpoints; copy the image to ECR or use nat: single)"]),
    ("too-many-waits", """
        BASE
            depends_on: {a: START, b: START, c: START, d: START, e: START, f: START, g: START, h: START, i: START, j: START}
            containers:
              a: {image: busybox:1.36}
        """,
     [f"{P}:13:17: services.web.depends_on: waits for 10 containers; a task has at most 9 others"]),
]


def _lines(exc: InputError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, InputErrors) else [exc])]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_containers(write_blueprint, text, expected):
    path = write_blueprint(text)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert _lines(caught.value) == expected


def test_a_dense_dependency_graph_is_checked_in_linear_time(write_blueprint):
    """Nine containers each waiting for every other: every path would be millions; one cycle is reported."""
    import time

    names = [f"c{i}" for i in range(9)]
    lines = ["BASE", "    containers:"]
    for name in names:
        waits = ", ".join(f"{other}: START" for other in names + ["web"] if other != name)
        lines.append(f"      {name}: {{image: busybox:1.36, depends_on: {{{waits}}}}}")
    path = write_blueprint("\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert time.perf_counter() - started < 5
    assert [line for line in _lines(caught.value) if "dependency cycle" in line] == [
        f"{P}:15:50: services.web.containers.c1.depends_on.c0: dependency cycle 'c0' -> 'c1' -> 'c0': ECS could "
        "start none of them (remove one of the waits)"]
