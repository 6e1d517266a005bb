"""DATA007: an RDS instance or Aurora cluster whose parameter group does not refuse unencrypted connections."""
from generator.audit.resolve import UNKNOWN, literal
from generator.audit.rules.base import PropertyCheck

#: The parameter that forces TLS, by engine prefix, and the values that mean "on".
TLS_PARAMETERS = (("aurora-postgresql", "rds.force_ssl"), ("postgres", "rds.force_ssl"),
                  ("aurora-mysql", "require_secure_transport"), ("mysql", "require_secure_transport"),
                  ("mariadb", "require_secure_transport"), ("sqlserver", "rds.force_ssl"))
ON = ("1", "on", "true")
GROUP_TYPES = {"AWS::RDS::DBInstance": ("DBParameterGroupName", "AWS::RDS::DBParameterGroup"),
               "AWS::RDS::DBCluster": ("DBClusterParameterGroupName", "AWS::RDS::DBClusterParameterGroup")}


def _tls_parameter(engine: str) -> str | None:
    return next((parameter for prefix, parameter in TLS_PARAMETERS if engine.startswith(prefix)), None)


class RdsTlsNotForced(PropertyCheck):
    id = "DATA007"
    severity = "medium"
    title = "RDS instance or cluster whose parameter group does not force TLS"
    rationale = ("The default parameter groups accept unencrypted connections, so credentials and data may cross "
                 "the network in clear text whenever a client does not ask for TLS.")
    fix = ("Attach a parameter group of the template that sets rds.force_ssl: 1 (PostgreSQL, SQL Server) or "
           "require_secure_transport: 1 (MySQL, MariaDB); for Aurora on the DB cluster parameter group.")
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        kind = ctx.template.type_of(logical_id)
        if kind == "AWS::RDS::DBInstance" and ("DBClusterIdentifier" in props
                                               or "SourceDBInstanceIdentifier" in props):
            return  # an Aurora member (the cluster's group applies) or a replica (its source's)
        engine = literal(props.get("Engine"))
        if not isinstance(engine, str) or (kind == "AWS::RDS::DBCluster" and not engine.startswith("aurora")):
            return
        parameter = _tls_parameter(engine)
        if parameter is None:
            return  # an engine without a force-TLS parameter (Oracle uses an option group)
        key, group_type = GROUP_TYPES[kind]
        if key not in props:
            yield (), (f"uses the engine's default parameter group, which accepts connections without TLS "
                       f"(set {key})")
            return
        value = props[key]
        if isinstance(literal(value), str) and literal(value).startswith("default."):
            yield ("Properties", key), (f"uses the default parameter group {value}, which accepts connections "
                                        "without TLS")
            return
        ref = ctx.template.reference(value)
        if ref is UNKNOWN or ctx.template.type_of(ref.logical_id) != group_type:
            return  # a group from elsewhere: cannot be judged here
        parameters = ctx.template.properties(ref.logical_id).get("Parameters")
        if not isinstance(parameters, dict):
            return
        setting = literal(parameters[parameter]) if parameter in parameters else None
        if setting is UNKNOWN:
            return
        if setting is None or str(setting).lower() not in ON:
            yield ("Properties", key), (f"parameter group {ref.logical_id} does not set {parameter} to 1 "
                                        "(connections without TLS are accepted)")
