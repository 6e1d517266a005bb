"""The small valid blueprint the model tests start from. A module of its own so that test modules can import it
(under xdist a test module cannot import ``conftest``)."""

#: A small valid blueprint; cases append lines to it (it is 12 lines long, so appended text starts on line 13).
BASE = """\
name: shop
network:
  cidr: 10.20.0.0/16
load_balancers:
  public:
    scheme: internet-facing
    https: {certificate: {parameter: CertificateArn}}
services:
  web:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 8080
    route: {load_balancer: public}
"""
assert BASE.count("\n") == 12
