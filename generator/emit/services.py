"""One stack per service: task definition, roles, log group, ECS service, target group, listener rule, scaling.

The execution role may only pull the image (private ECR only), write to the service's own log group and read the
named secrets; the task role, created only when ``task_permissions`` is set, holds exactly those statements.
Tasks run in private subnets without a public IP, behind their task security group (a firewall shard owns it), the
targets group of the balancer that routes to them and the VPC endpoint clients' group. The rules admitting the
service's direct callers live here (the plan places a rule with what it protects), and the ECS service waits for
them. A service
that others call directly registers in the environment's Cloud Map namespace; callers receive ``<TARGET>_HOST`` and
``<TARGET>_PORT`` (see :mod:`generator.plan.discovery`).
"""
from __future__ import annotations

from troposphere import GetAtt, Join, Ref, Split, Sub, Template
from troposphere import applicationautoscaling as aas
from troposphere import ecs, iam, logs, servicediscovery
from troposphere import elasticloadbalancingv2 as elb

from generator.emit import attached_groups, capacity, exports, sidecars
from generator.emit.scanner_metadata import mark_generated_environment
from generator.plan import Layout, ServicePlan
from generator.emit import security
from generator.plan.names import balancer_stack, data_stack, network_stack
from generator.references import SECRETS_MANAGER, SSM, private_ecr, secret_store

#: Seconds ECS ignores failing load-balancer health checks after a task starts: time for the application to boot
#: before the target group may call it unhealthy and ECS replaces it.
HEALTH_CHECK_GRACE_SECONDS = 60
#: Rolling deploys keep every running task until its replacement is healthy (100 %) and may double the count
#: meanwhile (200 %): no capacity is lost during a deploy; the circuit breaker rolls a failing one back.
MINIMUM_HEALTHY_PERCENT, MAXIMUM_PERCENT = 100, 200
#: Seconds the balancer lets in-flight requests of a deregistered task finish (AWS's default of 300 s makes every
#: deploy wait five minutes for requests that last milliseconds).
DEREGISTRATION_DELAY_SECONDS = 30
#: Target-group health checks: any 2xx or 3xx answer means the task is serving (a redirect to a login page too).
HEALTHY_HTTP_CODES = "200-399"
#: Seconds resolvers may cache a Cloud Map A record: short, because task addresses change at every deploy.
DISCOVERY_TTL_SECONDS = 10
#: Seconds between two scaling actions of the CPU target-tracking policy, in and out alike.
SCALING_COOLDOWN_SECONDS = 60
#: ECS Exec: the task role opens Session Manager channels. These four actions support no resource-level
#: permissions (IAM service authorization reference for ssmmessages), so their Resource is "*".
EXEC_ACTIONS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
_ASSUME_ECS_TASKS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def _execution_statements(service: ServicePlan) -> list[dict]:
    """Least privilege for the ECS agent: image pull, this log group, these secrets; nothing else."""
    statements = []
    repositories = []
    for image in sidecars.images(service):  # the main container's image, then each additional container's
        ecr = private_ecr(image)
        if ecr is not None and ecr not in repositories:
            repositories.append(ecr)
    if repositories:
        statements.append({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
    for ecr in repositories:
        statements.append({"Effect": "Allow",
                           "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                      "ecr:GetDownloadUrlForLayer"],
                           "Resource": Sub(f"arn:${{AWS::Partition}}:ecr:{ecr.region}:{ecr.account}:"
                                               f"repository/{ecr.repository}")})
    statements.append({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": GetAtt("LogGroup", "Arn")})
    secrets = sorted(set(sidecars.secret_arns(service)))
    managed = [arn for arn in secrets if secret_store(arn) == SECRETS_MANAGER]
    parameters = [arn for arn in secrets if secret_store(arn) == SSM]
    if managed:
        statements.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": managed})
    if parameters:
        statements.append({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": parameters})
    return statements


def _endpoint_environment(layout: Layout, name: str, network: str) -> dict[str, object]:
    """``<TARGET>_HOST``/``<TARGET>_PORT`` for every flow target: a Cloud Map name or an internal balancer's DNS."""
    variables: dict[str, object] = {}
    for endpoint in layout.endpoints:
        if endpoint.caller != name:
            continue
        host = endpoint.host if endpoint.balancer is None else exports.import_value(
            balancer_stack(layout.name, layout.env, endpoint.balancer), exports.balancer_dns_name(endpoint.balancer))
        variables[endpoint.host_variable] = host
        variables[endpoint.port_variable] = str(endpoint.port)
    return variables


def _database_environment(layout: Layout, name: str, data: str) -> dict[str, object]:
    """``<DB>_HOST``/``_PORT``/``_NAME`` for every database the service flows to (the data stack's exports)."""
    variables: dict[str, object] = {}
    for endpoint in layout.database_endpoints:
        if endpoint.caller == name:
            variables[endpoint.host_variable] = exports.import_value(data, exports.database_address(endpoint.target))
            variables[endpoint.port_variable] = str(endpoint.port)
            variables[endpoint.name_variable] = endpoint.database_name
    return variables


def _database_secrets(layout: Layout, name: str, data: str) -> dict[str, object]:
    """``<DB>_USERNAME``/``_PASSWORD`` as ``Secrets`` entries: JSON keys of the secret RDS manages, never values."""
    secrets: dict[str, object] = {}
    for endpoint in layout.database_endpoints:
        if endpoint.caller == name:
            arn = exports.import_value(data, exports.database_secret_arn(endpoint.target))
            secrets[endpoint.username_variable] = Join("", [arn, ":username::"])
            secrets[endpoint.password_variable] = Join("", [arn, ":password::"])
    return secrets


def _database_secret_statement(layout: Layout, name: str, data: str) -> list[dict]:
    """The execution role may read the managed secret of each database the service flows to, and no other."""
    arns = [exports.import_value(data, exports.database_secret_arn(e.target))
            for e in layout.database_endpoints if e.caller == name]
    return [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arns}] if arns else []


def _container(name: str, service: ServicePlan, injected: dict[str, object],
               injected_secrets: dict[str, object] | None = None) -> ecs.ContainerDefinition:
    props = dict(
        Name=name, Image=service.image, Essential=True, Privileged=False,
        ReadonlyRootFilesystem=service.read_only_root_filesystem,
        LogConfiguration=ecs.LogConfiguration(LogDriver="awslogs", Options={
            "awslogs-group": Ref("LogGroup"), "awslogs-region": Ref("AWS::Region"), "awslogs-stream-prefix": name}),
    )
    if service.port is not None:
        props["PortMappings"] = [ecs.PortMapping(ContainerPort=service.port, Protocol="tcp")]
    environment = {**{k: str(v) for k, v in service.environment.items()}, **injected}
    if environment:
        props["Environment"] = [ecs.Environment(Name=k, Value=environment[k]) for k in sorted(environment)]
    secrets = {**service.secrets, **(injected_secrets or {})}
    if secrets:
        props["Secrets"] = [ecs.Secret(Name=k, ValueFrom=secrets[k]) for k in sorted(secrets)]
    if service.command:
        props["Command"] = list(service.command)
    if service.scratch or service.mounts:
        props["MountPoints"] = [ecs.MountPoint(SourceVolume=volume, ContainerPath=path, ReadOnly=False)
                                for volume, path in service.scratch] + sidecars.main_mount_points(service)
    if service.user is not None:
        props["User"] = service.user
    if service.exec:  # an init process reaps the processes of exec sessions
        props["LinuxParameters"] = ecs.LinuxParameters(InitProcessEnabled=True)
    props.update(capacity.stop_timeout(service))
    if service.health_check is not None:
        check = service.health_check
        props["HealthCheck"] = ecs.HealthCheck(Command=list(check.command), Interval=check.interval,
                                               Timeout=check.timeout, Retries=check.retries,
                                               StartPeriod=check.start_period)
    props.update(sidecars.main_container_properties(name, service))  # log route and waits with containers:
    return ecs.ContainerDefinition(**props)


def service_template(layout: Layout, name: str, stack_name: str) -> Template:
    """The stack of one service, importing the network stack's VPC, subnets, cluster, group and listener."""
    service = layout.service(name)
    network = network_stack(layout.name, layout.env)
    data = data_stack(layout.name, layout.env)
    template = Template(Description=f"stackprint {layout.name} {layout.env}: {name} service")
    template.set_version("2010-09-09")
    template.add_resource(logs.LogGroup("LogGroup", RetentionInDays=service.log_retention_days,
                                         KmsKeyId=exports.import_value(network, exports.LOGS_KEY_ARN),
                                         DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(iam.Role("ExecutionRole", AssumeRolePolicyDocument=_ASSUME_ECS_TASKS, Policies=[
        iam.Policy(PolicyName="execution", PolicyDocument={"Version": "2012-10-17",
                                                           "Statement": _execution_statements(service)
                                                           + _database_secret_statement(layout, name, data)})]))
    task_props = {}
    policies = _task_policies(service)
    if policies:
        template.add_resource(iam.Role("TaskRole", AssumeRolePolicyDocument=_ASSUME_ECS_TASKS,
                                              Policies=policies))
        task_props["TaskRoleArn"] = GetAtt("TaskRole", "Arn")
    if service.scratch:  # no Host: a Fargate bind mount on the task's own ephemeral storage, deleted with the task
        task_props["Volumes"] = [ecs.Volume(Name=volume) for volume, _ in service.scratch]
    if service.volumes:  # with containers: or shared volumes, every container's scratch and the shared ones
        task_props["Volumes"] = sidecars.task_volumes(service)
    injected = {**_endpoint_environment(layout, name, network), **_database_environment(layout, name, data)}
    task = template.add_resource(ecs.TaskDefinition(
        "TaskDefinition", Family=stack_name, Cpu=str(service.cpu), Memory=str(service.memory),
        NetworkMode="awsvpc", RequiresCompatibilities=["FARGATE"], ExecutionRoleArn=GetAtt("ExecutionRole", "Arn"),
        RuntimePlatform=ecs.RuntimePlatform(OperatingSystemFamily="LINUX", CpuArchitecture="X86_64"),
        ContainerDefinitions=[_container(name, service, injected, _database_secrets(layout, name, data))]
        + sidecars.container_definitions(service),
        **task_props))
    mark_generated_environment(task, name, injected)  # so the audit's ECS002 does not judge them as secrets
    service_props = {}
    route = layout.route_of(name)
    balancer = next((b for b in layout.balancers if route is not None and b.name == route.load_balancer), None)
    if balancer is not None and balancer.network:  # listener and target group live in the balancer's stack
        target_group = exports.import_value(balancer_stack(layout.name, layout.env, balancer.name),
                                            exports.target_group_arn(name))
        service_props["LoadBalancers"] = [ecs.LoadBalancer(ContainerName=name, ContainerPort=service.port,
                                                           TargetGroupArn=target_group)]
        service_props["HealthCheckGracePeriodSeconds"] = HEALTH_CHECK_GRACE_SECONDS
    elif route is not None:
        _add_route(template, layout, network, route, service.port)
        service_props["LoadBalancers"] = [ecs.LoadBalancer(ContainerName=name, ContainerPort=service.port,
                                                           TargetGroupArn=Ref("TargetGroup"))]
        service_props["HealthCheckGracePeriodSeconds"] = HEALTH_CHECK_GRACE_SECONDS
        service_props["DependsOn"] = ["ListenerRule"]
    if name in layout.registered:
        _add_registration(template, network, name)
        service_props["ServiceRegistries"] = [ecs.ServiceRegistry(RegistryArn=GetAtt("DiscoveryService", "Arn"))]
    if service.exec:
        service_props["EnableExecuteCommand"] = True
    rules = security.add_rules(template, layout, stack_name)
    if rules:  # the service registers in Cloud Map once its callers are admitted
        service_props["DependsOn"] = service_props.get("DependsOn", []) + rules
    desired = service.desired_count
    attached_groups.add_parameters(template, service)
    service_props.update(capacity.launch_properties(service))
    ecs_service = template.add_resource(ecs.Service(
        "Service", Cluster=exports.import_value(network, exports.CLUSTER_ARN),
        DesiredCount=desired, TaskDefinition=Ref("TaskDefinition"), PropagateTags="SERVICE",
        EnableECSManagedTags=True,
        DeploymentConfiguration=ecs.DeploymentConfiguration(
            DeploymentCircuitBreaker=ecs.DeploymentCircuitBreaker(Enable=True, Rollback=True),
            MinimumHealthyPercent=MINIMUM_HEALTHY_PERCENT, MaximumPercent=MAXIMUM_PERCENT),
        NetworkConfiguration=ecs.NetworkConfiguration(AwsvpcConfiguration=ecs.AwsvpcConfiguration(
            AssignPublicIp="DISABLED",
            SecurityGroups=[security.group_id(layout, stack_name, group) for group in layout.placement.interfaces[name]]
            + attached_groups.group_refs(service),
            Subnets=Split(",", exports.import_value(network, exports.PRIVATE_SUBNET_IDS)))),
        **service_props))
    attached_groups.accept_external(ecs_service, service)
    if service.scaling is not None:
        _add_scaling(template, network, service.scaling)
    return template


def _task_policies(service: ServicePlan) -> list[iam.Policy]:
    """The task role's policies: the blueprint's statements, and the ECS Exec channels when ``exec`` is on."""
    policies = []
    if service.task_permissions:
        policies.append(iam.Policy(PolicyName="application", PolicyDocument={
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}
                for actions, resources in service.task_permissions]}))
    firelens = sidecars.firelens_statements(service)
    if firelens:
        policies.append(iam.Policy(PolicyName="firelens", PolicyDocument={"Version": "2012-10-17",
                                                                          "Statement": firelens}))
    if service.exec:
        policies.append(iam.Policy(PolicyName="ecs-exec", PolicyDocument={"Version": "2012-10-17", "Statement": [
            {"Sid": "EcsExecChannelsHaveNoResourceLevelPermissions", "Effect": "Allow", "Action": list(EXEC_ACTIONS),
             "Resource": "*"}]}))
    return policies


def _add_route(template: Template, layout: Layout, network: str, route, port: int) -> None:
    """The target group (over HTTPS when the balancer encrypts end to end) and the listener rule forwarding to it."""
    protocol = next(b for b in layout.balancers if b.name == route.load_balancer).target_protocol
    template.add_resource(elb.TargetGroup(
        "TargetGroup", TargetType="ip", Protocol=protocol, Port=port,
        VpcId=exports.import_value(network, exports.VPC_ID), HealthCheckPath=route.health_check,
        HealthCheckProtocol=protocol, Matcher=elb.Matcher(HttpCode=HEALTHY_HTTP_CODES),
        TargetGroupAttributes=[elb.TargetGroupAttribute(Key="deregistration_delay.timeout_seconds",
                                                        Value=str(DEREGISTRATION_DELAY_SECONDS))]))
    conditions = [elb.Condition(Field="path-pattern", PathPatternConfig=elb.PathPatternConfig(
        Values=list(route.paths)))]
    if route.host:
        conditions.append(elb.Condition(Field="host-header", HostHeaderConfig=elb.HostHeaderConfig(
            Values=[route.host])))
    template.add_resource(elb.ListenerRule(
        "ListenerRule", ListenerArn=exports.import_value(balancer_stack(layout.name, layout.env, route.load_balancer),
                                                         exports.listener_arn(route.load_balancer)),
        Priority=route.priority, Conditions=conditions,
        Actions=[elb.ListenerRuleAction(Type="forward", TargetGroupArn=Ref("TargetGroup"))]))


def _add_registration(template: Template, network: str, name: str) -> None:
    """A Cloud Map service: one A record per running task, removed when ECS stops the task."""
    template.add_resource(servicediscovery.Service(
        "DiscoveryService", Name=name, NamespaceId=exports.import_value(network, exports.NAMESPACE_ID),
        Description=f"Addresses of the running {name} tasks",
        DnsConfig=servicediscovery.DnsConfig(RoutingPolicy="MULTIVALUE", DnsRecords=[
            servicediscovery.DnsRecord(Type="A", TTL=DISCOVERY_TTL_SECONDS)]),
        HealthCheckCustomConfig=servicediscovery.HealthCheckCustomConfig(FailureThreshold=1)))


def _add_scaling(template: Template, network: str, scaling) -> None:
    template.add_resource(aas.ScalableTarget(
        "ScalableTarget", ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=scaling.min, MaxCapacity=scaling.max,
        ResourceId=Sub("service/${Cluster}/${Service.Name}",
                       Cluster=exports.import_value(network, exports.CLUSTER_NAME))))
    template.add_resource(aas.ScalingPolicy(
        "CpuScalingPolicy", PolicyName=Sub("${AWS::StackName}-cpu"), PolicyType="TargetTrackingScaling",
        ScalingTargetId=Ref("ScalableTarget"),
        TargetTrackingScalingPolicyConfiguration=aas.TargetTrackingScalingPolicyConfiguration(
            TargetValue=float(scaling.cpu_target), ScaleInCooldown=SCALING_COOLDOWN_SECONDS,
            ScaleOutCooldown=SCALING_COOLDOWN_SECONDS,
            PredefinedMetricSpecification=aas.PredefinedMetricSpecification(
                PredefinedMetricType="ECSServiceAverageCPUUtilization"))))


__all__ = ["service_template"]
