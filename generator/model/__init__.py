"""The blueprint language: strict models, environment overlays, semantic checks and positioned errors.

``load_blueprint(path)`` is the entry point: it returns one validated :class:`Blueprint` per environment, sorted by
name, or raises :class:`generator.errors.InputError` / ``InputErrors`` pointing at the lines to fix.
"""
from generator.model.balancers import Certificate, Https, LoadBalancer
from generator.model.databases import Database, KmsKey
from generator.model.blueprint import Blueprint, BlueprintFile, BlueprintSpec
from generator.model.loader import load_blueprint, load_blueprint_text
from generator.model.network import Network, Subnets, Tier
from generator.model.services import ContainerHealthCheck, Egress, Route, Scaling, Service, TaskPermission

__all__ = [
    "Blueprint", "BlueprintFile", "BlueprintSpec", "Certificate", "ContainerHealthCheck", "Database", "Egress", "Https",
    "KmsKey", "LoadBalancer", "Network", "Route", "Scaling", "Service", "Subnets", "TaskPermission", "Tier",
    "load_blueprint", "load_blueprint_text",
]
