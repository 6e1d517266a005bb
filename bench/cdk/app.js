// The CDK side of bench/vs_cdk.py: the layout of stackprint's 50-service benchmark blueprint written the way a
// CDK user would, with ApplicationLoadBalancedFargateService (one internet-facing HTTPS balancer per service,
// HTTP redirected to HTTPS) over one Vpc of 2 zones with a NAT gateway per zone.
//
// Plain JavaScript, so `cdk synth` has no TypeScript compile step to time. Run as `cdk synth` runs it:
//   CDK_OUTDIR=cdk.out node app.js
// Environment: BENCH_SERVICES (default 50), BENCH_COUNT_OF_0 (desired count of service 0, default 2: the
// benchmark's "one count changed" case).
// Stacks: a network stack (Vpc, Cluster) and one stack per service, each within CloudFormation's quotas. They are
// environment-agnostic (zones from Fn::GetAZs, as stackprint's), so synth makes no AWS lookup. One
// stack for everything is not an option: CDK itself refuses it past 500 resources (50 services make 724).
'use strict';
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const patterns = require('aws-cdk-lib/aws-ecs-patterns');
const acm = require('aws-cdk-lib/aws-certificatemanager');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');

const services = Number(process.env.BENCH_SERVICES || 50);
const firstCount = Number(process.env.BENCH_COUNT_OF_0 || 2);

const app = new cdk.App();
const network = new cdk.Stack(app, 'bench-network');
const vpc = new ec2.Vpc(network, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
  maxAzs: 2,
  natGateways: 2,
});
const cluster = new ecs.Cluster(network, 'Cluster', { vpc });

for (let i = 0; i < services; i++) {
  const name = `svc${String(i).padStart(3, '0')}`;
  const scope = new cdk.Stack(app, `bench-${name}`);
  const certificate = acm.Certificate.fromCertificateArn(
    scope, `${name}Certificate`,
    `arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
  const service = new patterns.ApplicationLoadBalancedFargateService(scope, name, {
    cluster,
    cpu: 256,
    memoryLimitMiB: 512,
    desiredCount: i === 0 ? firstCount : 2,
    circuitBreaker: { rollback: true },  // as stackprint's services
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    publicLoadBalancer: true,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificate,
    redirectHTTP: true,
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    taskImageOptions: {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
      containerPort: 8080,
    },
  });
  service.targetGroup.configureHealthCheck({ path: '/healthz' });
}

app.synth();
