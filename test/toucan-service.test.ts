import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  ToucanService,
  ToucanServiceArgs,
  credentialProblem,
  defaultFamily,
  fargateMemoryOptions,
  secretArnOf,
} from "../components/aws/toucan-service";
import { ToucanArgumentError } from "../components/core/errors";
import { RecordedResource, Recording, record, recordFailure, valueOf } from "../components/planner/recorder";
import { reveal } from "../components/planner/values";

const COMPONENT = "toucan:aws:ToucanService";
const SERVICE = "aws:ecs/service:Service";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const CLUSTER = "aws:ecs/cluster:Cluster";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const SCALING_TARGET = "aws:appautoscaling/target:Target";
const SCALING_POLICY = "aws:appautoscaling/policy:Policy";

const ACCOUNT = "123456789012";
const ALB_SG = "sg-0a1b2c3d4e5f60718";
const TARGET_GROUP = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/toucan-backend/0123456789abcdef`;
const MONGO_RW = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:toucan/mongo-rw-AbCdEf`;
const MONGO_RO = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:toucan/mongo-ro-GhIjKl`;
const REDIS = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:toucan/redis-MnOpQr`;
const REGISTRY = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:quay-pull-StUvWx`;
const SUBNETS = ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"];

const BASE: ToucanServiceArgs = {
  vpcId: "vpc-0abc",
  subnetIds: SUBNETS,
  image: "quay.io/toucantoco/backend:v100.5.1",
  loadBalancer: { targetGroupArn: TARGET_GROUP, securityGroupId: ALB_SG },
};

const EFS = {
  name: "storage",
  efs: {
    fileSystemId: "fs-0123456789abcdef0",
    accessPointId: "fsap-0123456789abcdef0",
    fileSystemArn: `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0`,
    accessPointArn: `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:access-point/fsap-0123456789abcdef0`,
  },
};

async function build(args: ToucanServiceArgs = BASE, preview = false) {
  const { result, recording } = await record(() => new ToucanService("svc", args), {
    preview,
    region: "eu-west-1",
  });
  return { service: result, recording };
}

let defaults: ReturnType<typeof build> | undefined;
/** The default service, built once for the tests that only read it. */
function buildDefault(): ReturnType<typeof build> {
  defaults ??= build();
  return defaults;
}

interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  command?: string[];
  portMappings?: { containerPort: number; protocol: string }[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
  readonlyRootFilesystem?: boolean;
  logConfiguration?: { logDriver: string; options: Record<string, string> };
  repositoryCredentials?: { credentialsParameter: string };
  healthCheck?: { command: string[] };
  linuxParameters?: { initProcessEnabled: boolean };
}

function containers(recording: Recording): ContainerDefinition[] {
  const task = recording.one(TASK_DEFINITION);
  return JSON.parse(reveal(task.inputs.containerDefinitions) as string) as ContainerDefinition[];
}

function container(recording: Recording, name = "app"): ContainerDefinition {
  const found = containers(recording).find((c) => c.name === name);
  assert.ok(found, `no container named ${name}`);
  return found;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
  Principal?: Record<string, string>;
}

function statements(policy: RecordedResource, key = "policy"): Statement[] {
  return (JSON.parse(reveal(policy.inputs[key]) as string) as { Statement: Statement[] }).Statement;
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function roleNamed(recording: Recording, logical: string): RecordedResource {
  return recording.one(ROLE, logical);
}

/** Inline policies and managed attachments of a role, matched by the role's name output. */
function grantsOf(recording: Recording, role: RecordedResource | string): RecordedResource[] {
  const roleName = typeof role === "string" ? role : role.outputs.name;
  return [...recording.byType(ROLE_POLICY), ...recording.byType(ATTACHMENT)].filter(
    (p) => p.inputs.role === roleName,
  );
}

function serviceSecurityGroupId(recording: Recording): unknown {
  return recording.one(SECURITY_GROUP).outputs.id;
}

describe("ToucanService", () => {
  describe("network exposure", () => {
    it("admits only the load balancer's security group, only on the container port", async () => {
      const { recording } = await buildDefault();
      const group = recording.one(SECURITY_GROUP);
      assert.equal(group.inputs.ingress, undefined, "no inline ingress rules");
      const ingress = recording.byType(INGRESS);
      assert.equal(ingress.length, 1);
      assert.deepEqual(
        {
          securityGroupId: ingress[0].inputs.securityGroupId,
          referencedSecurityGroupId: ingress[0].inputs.referencedSecurityGroupId,
          ipProtocol: ingress[0].inputs.ipProtocol,
          fromPort: ingress[0].inputs.fromPort,
          toPort: ingress[0].inputs.toPort,
          cidrIpv4: ingress[0].inputs.cidrIpv4,
        },
        {
          securityGroupId: group.outputs.id,
          referencedSecurityGroupId: ALB_SG,
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrIpv4: undefined,
        },
      );
    });

    it("gives the load balancer an egress rule to the tasks on the container port", async () => {
      const { recording } = await buildDefault();
      const albEgress = recording.byType(EGRESS).filter((r) => r.inputs.securityGroupId === ALB_SG);
      assert.equal(albEgress.length, 1);
      assert.equal(albEgress[0].inputs.referencedSecurityGroupId, serviceSecurityGroupId(recording));
      assert.equal(albEgress[0].inputs.ipProtocol, "tcp");
      assert.equal(albEgress[0].inputs.fromPort, 80);
      assert.equal(albEgress[0].inputs.toPort, 80);
    });

    it("lets the tasks reach anywhere (image pulls, connectors to customers' databases)", async () => {
      const { recording } = await buildDefault();
      const own = recording
        .byType(EGRESS)
        .filter((r) => r.inputs.securityGroupId === serviceSecurityGroupId(recording));
      assert.deepEqual(
        own.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4]),
        [["-1", "0.0.0.0/0"]],
      );
      assert.match(own[0].inputs.description as string, /quay\.io/);
    });

    it("opens the rules, the target and the port mapping on a custom container port", async () => {
      const { recording } = await build({ ...BASE, containerPort: 8080 });
      const ingress = recording.one(INGRESS);
      assert.deepEqual([ingress.inputs.fromPort, ingress.inputs.toPort], [8080, 8080]);
      const albEgress = recording.byType(EGRESS).find((r) => r.inputs.securityGroupId === ALB_SG)!;
      assert.deepEqual([albEgress.inputs.fromPort, albEgress.inputs.toPort], [8080, 8080]);
      assert.deepEqual(container(recording).portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
      assert.deepEqual(recording.one(SERVICE).inputs.loadBalancers, [
        { targetGroupArn: TARGET_GROUP, containerName: "app", containerPort: 8080 },
      ]);
    });

    it("describes its security group and rules with characters EC2 accepts", async () => {
      const { recording } = await buildDefault();
      const groups = [
        ...recording.byType(SECURITY_GROUP),
        ...recording.byType(INGRESS),
        ...recording.byType(EGRESS),
      ];
      assert.equal(groups.length, 4);
      for (const r of groups) {
        assert.match(r.inputs.description as string, /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/, r.name);
      }
    });

    it("runs in the given private subnets without a public IP", async () => {
      const { recording } = await buildDefault();
      assert.deepEqual(recording.one(SERVICE).inputs.networkConfiguration, {
        subnets: SUBNETS,
        securityGroups: [serviceSecurityGroupId(recording)],
        assignPublicIp: false,
      });
    });

    it("uses a given security group: creates none, but still admits the load balancer to it", async () => {
      const { recording, service } = await build({ ...BASE, securityGroupId: "sg-0given" });
      assert.equal(recording.byType(SECURITY_GROUP).length, 0);
      const ingress = recording.one(INGRESS);
      assert.equal(ingress.inputs.securityGroupId, "sg-0given");
      assert.equal(ingress.inputs.referencedSecurityGroupId, ALB_SG);
      assert.equal(recording.one(EGRESS).inputs.referencedSecurityGroupId, "sg-0given");
      assert.deepEqual(
        (recording.one(SERVICE).inputs.networkConfiguration as { securityGroups: string[] }).securityGroups,
        ["sg-0given"],
      );
      assert.equal(await valueOf(service.securityGroupId), "sg-0given");
    });

    it("without a load balancer admits nothing and attaches no target group", async () => {
      const { recording } = await build({ ...BASE, loadBalancer: undefined });
      assert.equal(recording.byType(INGRESS).length, 0);
      const service = recording.one(SERVICE);
      assert.equal(service.inputs.loadBalancers, undefined);
      assert.equal(service.inputs.healthCheckGracePeriodSeconds, undefined);
    });
  });

  describe("the ECS service", () => {
    it("runs 2 Fargate tasks by default", async () => {
      const { recording } = await buildDefault();
      const service = recording.one(SERVICE);
      assert.equal(service.inputs.desiredCount, 2);
      assert.equal(service.inputs.launchType, "FARGATE");
    });

    it("rolls failed deployments back and never drops below the desired count while deploying", async () => {
      const { recording } = await buildDefault();
      const service = recording.one(SERVICE);
      assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.equal(service.inputs.deploymentMinimumHealthyPercent, 100);
      assert.equal(service.inputs.deploymentMaximumPercent, 200);
    });

    it("takes custom deployment bounds", async () => {
      const { recording } = await build({
        ...BASE,
        desiredCount: 3,
        autoscaling: false,
        deployment: { minimumHealthyPercent: 50, maximumPercent: 134 },
      });
      const service = recording.one(SERVICE);
      assert.equal(service.inputs.deploymentMinimumHealthyPercent, 50);
      assert.equal(service.inputs.deploymentMaximumPercent, 134);
      assert.equal(service.inputs.desiredCount, 3);
    });

    it("registers the main container in the target group with a boot grace period", async () => {
      const { recording } = await buildDefault();
      const service = recording.one(SERVICE);
      assert.deepEqual(service.inputs.loadBalancers, [
        { targetGroupArn: TARGET_GROUP, containerName: "app", containerPort: 80 },
      ]);
      assert.equal(service.inputs.healthCheckGracePeriodSeconds, 120);
    });

    it("propagates the service's tags to tasks and makes `pulumi up` wait for steady state (45 minutes at most)", async () => {
      const { recording } = await build({ ...BASE, tags: { team: "bi" } });
      const service = recording.one(SERVICE);
      assert.equal(service.inputs.propagateTags, "SERVICE");
      assert.equal(service.inputs.enableEcsManagedTags, true);
      assert.equal(service.inputs.waitForSteadyState, true);
      assert.deepEqual(service.customTimeouts, { create: "45m", update: "45m" });
      assert.equal(service.inputs.availabilityZoneRebalancing, "ENABLED");
      assert.deepEqual(service.inputs.tags, { team: "bi" });
      assert.equal(service.inputs.enableExecuteCommand, false);
    });

    it("waits for the listener rules, the load balancer rules and the IAM grants", async () => {
      const { recording } = await record(
        () => {
          const rule = new aws.lb.ListenerRule("rule", {
            listenerArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:listener/app/alb/1/2`,
            actions: [{ type: "forward", targetGroupArn: TARGET_GROUP }],
            conditions: [{ hostHeader: { values: ["api.example.com"] } }],
          });
          return new ToucanService("svc", {
            ...BASE,
            secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
            volumes: [EFS],
            mounts: [{ volume: "storage", containerPath: "/app/storage" }],
            loadBalancer: { ...BASE.loadBalancer!, readyResources: [rule] },
          });
        },
        { region: "eu-west-1" },
      );
      const dependencies = recording.one(SERVICE).dependencies;
      const expected = [
        recording.one("aws:lb/listenerRule:ListenerRule").urn,
        recording.one(INGRESS).urn,
        recording.one(ROLE_POLICY, "svc-secrets").urn,
        recording.one(ROLE_POLICY, "svc-efs").urn,
        recording.one(ATTACHMENT, "svc-execution-managed").urn,
      ];
      for (const urn of expected)
        assert.ok(dependencies.includes(urn), `the service does not wait for ${urn}`);
    });

    it("belongs to the component and is not protected by default", async () => {
      const { recording } = await buildDefault();
      const component = recording.one(COMPONENT);
      const service = recording.one(SERVICE);
      assert.equal(service.parent, component.urn);
      assert.equal(service.protect, false);
      for (const child of recording.descendants(component)) assert.match(child.name, /^svc-/);
    });

    it("protects the cluster, the log group and the service when asked", async () => {
      const { recording } = await build({ ...BASE, protect: true });
      assert.equal(recording.one(SERVICE).protect, true);
      assert.equal(recording.one(LOG_GROUP).protect, true);
      assert.equal(recording.one(CLUSTER).protect, true);
      assert.equal(
        recording.one(TASK_DEFINITION).protect,
        false,
        "every deployment replaces the task definition",
      );
    });
  });

  describe("the task definition", () => {
    it("is a Fargate awsvpc task of the requested size and architecture", async () => {
      const { recording } = await buildDefault();
      const task = recording.one(TASK_DEFINITION);
      assert.equal(task.inputs.networkMode, "awsvpc");
      assert.deepEqual(task.inputs.requiresCompatibilities, ["FARGATE"]);
      assert.equal(task.inputs.cpu, "1024");
      assert.equal(task.inputs.memory, "2048");
      assert.deepEqual(task.inputs.runtimePlatform, {
        operatingSystemFamily: "LINUX",
        cpuArchitecture: "X86_64",
      });
      assert.equal(task.inputs.family, "toucan-test-svc");
      assert.equal(recording.one(SERVICE).inputs.taskDefinition, task.outputs.arn);
    });

    it("takes another size and ARM64", async () => {
      const { recording } = await build({ ...BASE, cpu: 256, memory: 512, cpuArchitecture: "ARM64" });
      const task = recording.one(TASK_DEFINITION);
      assert.deepEqual([task.inputs.cpu, task.inputs.memory], ["256", "512"]);
      assert.equal((task.inputs.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture, "ARM64");
    });

    it("runs the image as the essential container, its root file system writable, logging to CloudWatch", async () => {
      const { recording } = await buildDefault();
      const main = container(recording);
      assert.equal(main.image, "quay.io/toucantoco/backend:v100.5.1");
      assert.equal(main.essential, true);
      assert.deepEqual(main.portMappings, [{ containerPort: 80, protocol: "tcp" }]);
      assert.equal(main.readonlyRootFilesystem, false);
      assert.deepEqual(main.logConfiguration, {
        logDriver: "awslogs",
        options: {
          "awslogs-group": recording.one(LOG_GROUP).outputs.name,
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "ecs",
        },
      });
      assert.equal(main.healthCheck, undefined, "no container health check unless given");
      assert.equal(main.repositoryCredentials, undefined);
    });

    it("keeps logs 30 days by default, or as long as asked", async () => {
      const { recording } = await buildDefault();
      assert.equal(recording.one(LOG_GROUP).inputs.retentionInDays, 30);
      const custom = await build({ ...BASE, logRetentionDays: 365 });
      assert.equal(custom.recording.one(LOG_GROUP).inputs.retentionInDays, 365);
    });

    it("lists plain environment variables by name, sorted", async () => {
      const { recording } = await build({
        ...BASE,
        environment: { TOUCAN_GUNICORN_WORKERS: "3", API_BASEROUTE: "https://api.example.com", B: "2" },
      });
      assert.deepEqual(container(recording).environment, [
        { name: "API_BASEROUTE", value: "https://api.example.com" },
        { name: "B", value: "2" },
        { name: "TOUCAN_GUNICORN_WORKERS", value: "3" },
      ]);
    });

    it("injects secrets by reference (valueFrom) and never as plain environment", async () => {
      const { recording } = await build({
        ...BASE,
        environment: { TOUCAN_GUNICORN_WORKERS: "3" },
        secrets: { TOUCAN_MONGODB_READONLY_HOST: MONGO_RO, TOUCAN_MONGODB_HOST: MONGO_RW },
      });
      const main = container(recording);
      assert.deepEqual(main.secrets, [
        { name: "TOUCAN_MONGODB_HOST", valueFrom: MONGO_RW },
        { name: "TOUCAN_MONGODB_READONLY_HOST", valueFrom: MONGO_RO },
      ]);
      const plain = main.environment ?? [];
      assert.deepEqual(
        plain.map((e) => e.name),
        ["TOUCAN_GUNICORN_WORKERS"],
      );
      const text = reveal(recording.one(TASK_DEFINITION).inputs.containerDefinitions) as string;
      assert.doesNotMatch(JSON.stringify(plain), /secretsmanager/);
      assert.equal(text.split(MONGO_RW).length - 1, 1, "the secret ARN appears once, in secrets");
    });

    it("lets the execution role read exactly the referenced secrets (JSON keys stripped)", async () => {
      const { recording } = await build({
        ...BASE,
        secrets: {
          TOUCAN_MONGODB_HOST: MONGO_RW,
          TOUCAN_MONGODB_READONLY_HOST: MONGO_RO,
          TOUCAN_REDIS_PASSWORD: `${REDIS}:password::`,
          TOUCAN_REDIS_URL: `${REDIS}:url::`,
        },
        repositoryCredentialsSecretArn: REGISTRY,
      });
      const role = roleNamed(recording, "svc-execution");
      const policy = recording.one(ROLE_POLICY, "svc-secrets");
      assert.equal(policy.inputs.role, role.outputs.name);
      const list = statements(policy);
      assert.equal(list.length, 1);
      assert.equal(list[0].Effect, "Allow");
      assert.deepEqual(asList(list[0].Action), ["secretsmanager:GetSecretValue"]);
      assert.deepEqual(asList(list[0].Resource).sort(), [MONGO_RO, MONGO_RW, REGISTRY, REDIS].sort());
    });

    it("attaches the ECS task execution managed policy to the created execution role", async () => {
      const { recording } = await buildDefault();
      const role = roleNamed(recording, "svc-execution");
      const attachment = recording.one(ATTACHMENT);
      assert.equal(attachment.inputs.role, role.outputs.name);
      assert.equal(
        attachment.inputs.policyArn,
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      );
      assert.equal(recording.one(TASK_DEFINITION).inputs.executionRoleArn, role.outputs.arn);
      assert.equal(recording.byType(ROLE_POLICY).length, 0, "no secret, no secrets grant");
    });

    it("lets only ECS tasks of this account assume the roles", async () => {
      const { recording } = await buildDefault();
      for (const logical of ["svc-task", "svc-execution"]) {
        const [trust] = statements(roleNamed(recording, logical), "assumeRolePolicy");
        assert.deepEqual(trust.Principal, { Service: "ecs-tasks.amazonaws.com" });
        assert.equal(trust.Action, "sts:AssumeRole");
        assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
      }
    });

    it("gives the created task role no permission at all by default", async () => {
      const { recording, service } = await buildDefault();
      const role = roleNamed(recording, "svc-task");
      assert.deepEqual(grantsOf(recording, role), []);
      assert.equal(recording.one(TASK_DEFINITION).inputs.taskRoleArn, role.outputs.arn);
      assert.equal(await valueOf(service.taskRoleArn), role.outputs.arn);
    });

    it("pulls the main image with the registry credentials, and only the main image", async () => {
      const { recording } = await build({
        ...BASE,
        repositoryCredentialsSecretArn: REGISTRY,
        volumes: [{ name: "scratch" }],
        initContainers: [
          { name: "init", image: "public.ecr.aws/docker/library/busybox:1.36.1", command: ["true"] },
        ],
      });
      assert.deepEqual(container(recording).repositoryCredentials, { credentialsParameter: REGISTRY });
      assert.equal(container(recording, "init").repositoryCredentials, undefined);
    });

    it("mounts EFS through its access point with TLS in transit and IAM authorization", async () => {
      const { recording } = await build({
        ...BASE,
        volumes: [EFS],
        mounts: [{ volume: "storage", containerPath: "/app/storage" }],
      });
      assert.deepEqual(recording.one(TASK_DEFINITION).inputs.volumes, [
        {
          name: "storage",
          efsVolumeConfiguration: {
            fileSystemId: "fs-0123456789abcdef0",
            transitEncryption: "ENABLED",
            authorizationConfig: { accessPointId: "fsap-0123456789abcdef0", iam: "ENABLED" },
          },
        },
      ]);
      assert.deepEqual(container(recording).mountPoints, [
        { sourceVolume: "storage", containerPath: "/app/storage", readOnly: false },
      ]);
    });

    it("lets the task role mount and write the file system, through its access point only", async () => {
      const { recording } = await build({
        ...BASE,
        volumes: [EFS],
        mounts: [{ volume: "storage", containerPath: "/app/storage" }],
      });
      const role = roleNamed(recording, "svc-task");
      const grants = grantsOf(recording, role);
      assert.deepEqual(
        grants.map((g) => g.name),
        ["svc-efs"],
      );
      const [statement] = statements(grants[0]);
      assert.deepEqual(asList(statement.Action).sort(), [
        "elasticfilesystem:ClientMount",
        "elasticfilesystem:ClientWrite",
      ]);
      assert.equal(statement.Resource, EFS.efs.fileSystemArn);
      assert.deepEqual(statement.Condition, {
        StringEquals: { "elasticfilesystem:AccessPointArn": EFS.efs.accessPointArn },
      });
    });

    it("grants mount only (no write) when every mount is read-only, with ARNs built from the ids", async () => {
      const { recording } = await build({
        ...BASE,
        volumes: [{ name: "storage", efs: { fileSystemId: "fs-1", accessPointId: "fsap-1" } }],
        mounts: [{ volume: "storage", containerPath: "/app/storage", readOnly: true }],
      });
      const [statement] = statements(recording.one(ROLE_POLICY, "svc-efs"));
      assert.deepEqual(asList(statement.Action), ["elasticfilesystem:ClientMount"]);
      assert.equal(statement.Resource, `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-1`);
      assert.deepEqual(statement.Condition, {
        StringEquals: {
          "elasticfilesystem:AccessPointArn": `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:access-point/fsap-1`,
        },
      });
      assert.equal(container(recording).mountPoints![0].readOnly, true);
    });

    it("runs an init container to completion first, sharing an ephemeral volume with the main container", async () => {
      const { recording } = await build({
        ...BASE,
        secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
        volumes: [{ name: "mongo-ca" }],
        mounts: [{ volume: "mongo-ca", containerPath: "/etc/ssl/toucan", readOnly: true }],
        initContainers: [
          {
            name: "mongo-ca",
            image: "public.ecr.aws/docker/library/busybox:1.36.1",
            command: ["sh", "-c", 'printf "%s\\n" "$MONGO_CA_PEM" > /ca/myCA.crt'],
            secrets: { MONGO_CA_PEM: MONGO_RO },
            mounts: [{ volume: "mongo-ca", containerPath: "/ca" }],
          },
        ],
      });
      assert.deepEqual(recording.one(TASK_DEFINITION).inputs.volumes, [{ name: "mongo-ca" }]);
      const init = container(recording, "mongo-ca");
      const main = container(recording);
      assert.equal(init.essential, false);
      assert.deepEqual(init.command, ["sh", "-c", 'printf "%s\\n" "$MONGO_CA_PEM" > /ca/myCA.crt']);
      assert.deepEqual(init.secrets, [{ name: "MONGO_CA_PEM", valueFrom: MONGO_RO }]);
      assert.deepEqual(init.mountPoints, [
        { sourceVolume: "mongo-ca", containerPath: "/ca", readOnly: false },
      ]);
      assert.equal(init.logConfiguration?.logDriver, "awslogs");
      assert.deepEqual(main.dependsOn, [{ containerName: "mongo-ca", condition: "SUCCESS" }]);
      assert.deepEqual(main.mountPoints, [
        { sourceVolume: "mongo-ca", containerPath: "/etc/ssl/toucan", readOnly: true },
      ]);
      const [grant] = statements(recording.one(ROLE_POLICY, "svc-secrets"));
      assert.deepEqual(asList(grant.Resource).sort(), [MONGO_RO, MONGO_RW]);
    });

    it("adds a container health check only when given one", async () => {
      const { recording } = await build({
        ...BASE,
        containerHealthCheck: ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"],
      });
      assert.deepEqual(container(recording).healthCheck, {
        command: ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 120,
      });
    });

    it("with ECS Exec, lets the task role open SSM channels and runs an init process", async () => {
      const { recording } = await build({ ...BASE, enableExecuteCommand: true });
      assert.equal(recording.one(SERVICE).inputs.enableExecuteCommand, true);
      const grants = grantsOf(recording, roleNamed(recording, "svc-task"));
      assert.deepEqual(
        grants.map((g) => g.name),
        ["svc-ecs-exec"],
      );
      assert.deepEqual(asList(statements(grants[0])[0].Action).sort(), [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]);
      assert.deepEqual(container(recording).linuxParameters, { initProcessEnabled: true });
    });

    it("uses given roles: creates none, still grants them what the task needs", async () => {
      const taskRole = {
        arn: `arn:aws:iam::${ACCOUNT}:role/toucan-backend-task`,
        name: "toucan-backend-task",
      };
      const executionRole = { arn: `arn:aws:iam::${ACCOUNT}:role/toucan-exec`, name: "toucan-exec" };
      const { recording, service } = await build({
        ...BASE,
        taskRole,
        executionRole,
        secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
        volumes: [EFS],
        mounts: [{ volume: "storage", containerPath: "/app/storage" }],
      });
      assert.equal(recording.byType(ROLE).length, 0);
      assert.equal(
        recording.byType(ATTACHMENT).length,
        0,
        "a given execution role keeps its own managed policies",
      );
      const task = recording.one(TASK_DEFINITION);
      assert.equal(task.inputs.taskRoleArn, taskRole.arn);
      assert.equal(task.inputs.executionRoleArn, executionRole.arn);
      assert.deepEqual(
        grantsOf(recording, "toucan-backend-task").map((g) => g.name),
        ["svc-efs"],
      );
      assert.deepEqual(
        grantsOf(recording, "toucan-exec").map((g) => g.name),
        ["svc-secrets"],
      );
      assert.equal(await valueOf(service.taskRoleArn), taskRole.arn);
    });

    it("lets the execution role decrypt with the secrets' KMS keys through Secrets Manager only", async () => {
      const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      const { recording } = await build({
        ...BASE,
        secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
        secretsKmsKeyArns: [key],
      });
      const decrypt = statements(recording.one(ROLE_POLICY, "svc-secrets")).find(
        (s) => s.Action === "kms:Decrypt",
      );
      assert.ok(decrypt);
      assert.deepEqual(asList(decrypt.Resource), [key]);
      assert.deepEqual(decrypt.Condition, {
        StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
      });
    });
  });

  describe("autoscaling", () => {
    it("tracks CPU between desiredCount and twice that, and leaves the count to the autoscaler", async () => {
      const { recording } = await buildDefault();
      const target = recording.one(SCALING_TARGET);
      const cluster = recording.one(CLUSTER);
      const service = recording.one(SERVICE);
      assert.deepEqual(
        [target.inputs.minCapacity, target.inputs.maxCapacity, target.inputs.serviceNamespace],
        [2, 4, "ecs"],
      );
      assert.equal(target.inputs.scalableDimension, "ecs:service:DesiredCount");
      assert.equal(target.inputs.resourceId, `service/${cluster.outputs.name}/${service.outputs.name}`);
      const [cpu] = recording.byType(SCALING_POLICY);
      assert.equal(recording.byType(SCALING_POLICY).length, 1, "no request policy without the ALB suffixes");
      assert.equal(cpu.inputs.policyType, "TargetTrackingScaling");
      assert.equal(cpu.inputs.resourceId, target.inputs.resourceId);
      assert.deepEqual(cpu.inputs.targetTrackingScalingPolicyConfiguration, {
        targetValue: 60,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      });
      assert.deepEqual(service.ignoreChanges, ["desiredCount"]);
    });

    it("tracks requests per target when the load balancer's ARN suffixes are given", async () => {
      const { recording } = await build({
        ...BASE,
        loadBalancer: {
          ...BASE.loadBalancer!,
          targetGroupArnSuffix: "targetgroup/toucan-backend/0123456789abcdef",
          loadBalancerArnSuffix: "app/toucan/fedcba9876543210",
        },
        autoscaling: { maxCount: 6, cpuTargetPercent: 50, requestsPerTarget: 500 },
      });
      assert.equal(recording.one(SCALING_TARGET).inputs.maxCapacity, 6);
      const requests = recording.one(SCALING_POLICY, "svc-request-scaling");
      assert.deepEqual(requests.inputs.targetTrackingScalingPolicyConfiguration, {
        targetValue: 500,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: "app/toucan/fedcba9876543210/targetgroup/toucan-backend/0123456789abcdef",
        },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      });
      const cpu = recording.one(SCALING_POLICY, "svc-cpu-scaling");
      assert.equal(
        (cpu.inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number }).targetValue,
        50,
      );
    });

    it("can be turned off: no target, and the service keeps its desired count", async () => {
      const { recording } = await build({ ...BASE, autoscaling: false });
      assert.equal(recording.byType(SCALING_TARGET).length, 0);
      assert.equal(recording.byType(SCALING_POLICY).length, 0);
      assert.deepEqual(recording.one(SERVICE).ignoreChanges, []);
    });

    it("runs a single task only when allowed to", async () => {
      const { recording } = await build({ ...BASE, desiredCount: 1, allowSingleTask: true });
      assert.equal(recording.one(SERVICE).inputs.desiredCount, 1);
      const target = recording.one(SCALING_TARGET);
      assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [1, 2]);
    });
  });

  describe("the cluster", () => {
    it("is created with Container Insights when none is given", async () => {
      const { recording, service } = await buildDefault();
      const cluster = recording.one(CLUSTER);
      assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
      assert.equal(recording.one(SERVICE).inputs.cluster, cluster.outputs.arn);
      assert.equal(await valueOf(service.clusterName), cluster.outputs.name);
    });

    it("can have enhanced Container Insights", async () => {
      const { recording } = await build({ ...BASE, containerInsights: "enhanced" });
      assert.deepEqual(recording.one(CLUSTER).inputs.settings, [
        { name: "containerInsights", value: "enhanced" },
      ]);
    });

    it("is not created when an existing one is given", async () => {
      const cluster = { arn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/shared`, name: "shared" };
      const { recording, service } = await build({ ...BASE, cluster });
      assert.equal(recording.byType(CLUSTER).length, 0);
      assert.equal(recording.one(SERVICE).inputs.cluster, cluster.arn);
      assert.match(
        recording.one(SCALING_TARGET).inputs.resourceId as string,
        /^service\/shared\/svc-service-/,
      );
      assert.equal(await valueOf(service.clusterArn), cluster.arn);
      assert.equal(await valueOf(service.clusterName), "shared");
    });
  });

  describe("outputs", () => {
    it("expose the service, task definition, log group, roles and security group", async () => {
      const { recording, service } = await buildDefault();
      const ecs = recording.one(SERVICE);
      assert.equal(await valueOf(service.serviceName), ecs.outputs.name);
      assert.equal(await valueOf(service.serviceArn), ecs.outputs.arn);
      assert.match(String(ecs.outputs.arn), /^arn:aws:ecs:eu-west-1:123456789012:service\//);
      assert.equal(await valueOf(service.taskDefinitionArn), recording.one(TASK_DEFINITION).outputs.arn);
      assert.equal(await valueOf(service.logGroupName), recording.one(LOG_GROUP).outputs.name);
      assert.equal(await valueOf(service.securityGroupId), serviceSecurityGroupId(recording));
      assert.equal(
        await valueOf(service.executionRoleArn),
        roleNamed(recording, "svc-execution").outputs.arn,
      );
    });
  });

  describe("in preview", () => {
    it("registers the same resources as an update", async () => {
      const args: ToucanServiceArgs = {
        ...BASE,
        secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
        volumes: [EFS, { name: "ca" }],
        mounts: [{ volume: "storage", containerPath: "/app/storage" }],
        initContainers: [
          {
            name: "ca",
            image: "busybox",
            command: ["true"],
            mounts: [{ volume: "ca", containerPath: "/ca" }],
          },
        ],
        enableExecuteCommand: true,
        loadBalancer: {
          ...BASE.loadBalancer!,
          targetGroupArnSuffix: "targetgroup/a/1",
          loadBalancerArnSuffix: "app/b/2",
        },
      };
      const update = await build(args);
      const preview = await build(args, true);
      // Registration order depends on when each input resolves; the set of URNs is what must match.
      assert.deepEqual(
        preview.recording.resources.map((r) => r.urn).sort(),
        update.recording.resources.map((r) => r.urn).sort(),
      );
      assert.equal(update.recording.byType(SCALING_POLICY).length, 2);
    });
  });
});

describe("ToucanService rejects bad input before registering anything", () => {
  const cases: { title: string; args: ToucanServiceArgs; argument: string; message: RegExp }[] = [
    {
      title: "a CPU/memory pair Fargate does not offer",
      args: { ...BASE, cpu: 1024, memory: 512 },
      argument: "memory",
      message: /not a Fargate memory size for cpu 1024.*2048, 3072, 4096, 5120, 6144, 7168, 8192/,
    },
    {
      title: "a CPU size Fargate does not offer",
      args: { ...BASE, cpu: 3000 },
      argument: "cpu",
      message: /not a Fargate CPU size/,
    },
    {
      title: "a single task without opting in",
      args: { ...BASE, desiredCount: 1 },
      argument: "desiredCount",
      message: /without a second task.*allowSingleTask/,
    },
    {
      title: "autoscaling down to one task without opting in",
      args: { ...BASE, autoscaling: { minCount: 1 } },
      argument: "autoscaling.minCount",
      message: /single task.*allowSingleTask/,
    },
    {
      title: "a single subnet",
      args: { ...BASE, subnetIds: ["subnet-0aaa"] },
      argument: "subnetIds",
      message: /fewer than 2 subnets/,
    },
    {
      title: "a variable both plain and secret",
      args: {
        ...BASE,
        environment: { TOUCAN_MONGODB_HOST: "mongo.internal" },
        secrets: { TOUCAN_MONGODB_HOST: MONGO_RW },
      },
      argument: "secrets.TOUCAN_MONGODB_HOST",
      message: /also set in plain environment/,
    },
    {
      title: "a mount of an unknown volume",
      args: { ...BASE, volumes: [{ name: "storage" }], mounts: [{ volume: "data", containerPath: "/data" }] },
      argument: "mounts[0].volume",
      message: /not one of `volumes`.*storage/,
    },
    {
      title: "an init container's mount of an unknown volume",
      args: {
        ...BASE,
        initContainers: [
          {
            name: "init",
            image: "busybox",
            command: ["true"],
            mounts: [{ volume: "x", containerPath: "/x" }],
          },
        ],
      },
      argument: "initContainers[0].mounts[0].volume",
      message: /not one of `volumes`/,
    },
    {
      title: "a Mongo URI with its password in plain environment",
      args: {
        ...BASE,
        environment: { TOUCAN_MONGODB_HOST: "mongodb://toucan:hunter2@mongo:27017/api-toucan" },
      },
      argument: "environment.TOUCAN_MONGODB_HOST",
      message: /URI with a password.*`secrets`/,
    },
    {
      title: "a password in plain environment",
      args: { ...BASE, environment: { TOUCAN_REDIS_PASSWORD: "hunter2" } },
      argument: "environment.TOUCAN_REDIS_PASSWORD",
      message: /named like a credential.*`secrets`/,
    },
    {
      title: "a token in an init container's plain environment",
      args: {
        ...BASE,
        initContainers: [
          { name: "init", image: "busybox", command: ["true"], environment: { GITHUB_TOKEN: "ghp_x" } },
        ],
      },
      argument: "initContainers[0].environment.GITHUB_TOKEN",
      message: /named like a credential.*`initContainers\[0\]\.secrets`/,
    },
    {
      title: "a secret that is not a Secrets Manager ARN",
      args: { ...BASE, secrets: { TOUCAN_MONGODB_HOST: "mongodb://u:p@h/db" } },
      argument: "secrets.TOUCAN_MONGODB_HOST",
      message: /not a Secrets Manager secret ARN/,
    },
    {
      title: "an init container named like the main container",
      args: { ...BASE, initContainers: [{ name: "app", image: "busybox", command: ["true"] }] },
      argument: "initContainers[0].name",
      message: /already the name of another container/,
    },
    {
      title: "a log retention CloudWatch does not offer",
      args: { ...BASE, logRetentionDays: 10 },
      argument: "logRetentionDays",
      message: /not a CloudWatch Logs retention/,
    },
    {
      title: "deployment bounds that cannot progress",
      args: { ...BASE, deployment: { minimumHealthyPercent: 100, maximumPercent: 100 } },
      argument: "deployment",
      message: /neither start a new task nor stop an old one.*150/,
    },
    {
      title: "a grace period without a load balancer",
      args: { ...BASE, loadBalancer: undefined, healthCheckGracePeriodSeconds: 60 },
      argument: "healthCheckGracePeriodSeconds",
      message: /no effect without `loadBalancer`/,
    },
    {
      title: "only one of the load balancer ARN suffixes",
      args: { ...BASE, loadBalancer: { ...BASE.loadBalancer!, targetGroupArnSuffix: "targetgroup/a/1" } },
      argument: "loadBalancer",
      message: /one ARN suffix without the other/,
    },
    {
      title: "an autoscaling range that excludes the desired count",
      args: { ...BASE, desiredCount: 5, autoscaling: { minCount: 2, maxCount: 4 } },
      argument: "desiredCount",
      message: /outside autoscaling's range 2-4/,
    },
    {
      title: "a container health check without CMD",
      args: { ...BASE, containerHealthCheck: ["curl", "-f", "http://localhost/"] },
      argument: "containerHealthCheck",
      message: /CMD-SHELL/,
    },
    {
      title: "an invalid task family",
      args: { ...BASE, family: "toucan.backend" },
      argument: "family",
      message: /not a valid task definition family/,
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { error, recording } = await recordFailure(() => new ToucanService("svc", c.args));
      assert.ok(error instanceof ToucanArgumentError, String(error));
      assert.match(error.message, new RegExp(`\`${c.argument.replace(/[.[\]]/g, "\\$&")}\``));
      assert.match(error.message, c.message);
      assert.match(error.message, /Fix: /);
      assert.deepEqual(recording.built, [], "resources were registered before the error");
    });
  }

  it("never prints the refused password", async () => {
    const { error } = await recordFailure(
      () => new ToucanService("svc", { ...BASE, environment: { URI: "mongodb://toucan:hunter2@mongo/db" } }),
    );
    assert.doesNotMatch(error.message, /hunter2/);
  });

  it("reports every problem at once", async () => {
    const { error } = await recordFailure(
      () =>
        new ToucanService("svc", {
          ...BASE,
          subnetIds: ["subnet-a"],
          desiredCount: 1,
          cpu: 256,
          memory: 4096,
        }),
    );
    for (const argument of ["subnetIds", "desiredCount", "memory"]) {
      assert.match(error.message, new RegExp(`\`${argument}\``));
    }
  });

  it("accepts a credential-like name listed in allowPlainEnvironment", async () => {
    const { recording } = await build({
      ...BASE,
      environment: { TOKEN_TTL_SECONDS: "3600" },
      allowPlainEnvironment: ["TOKEN_TTL_SECONDS"],
    });
    assert.deepEqual(container(recording).environment, [{ name: "TOKEN_TTL_SECONDS", value: "3600" }]);
  });

  it("still refuses a password URI under a name listed in allowPlainEnvironment", async () => {
    const { error, recording } = await recordFailure(
      () =>
        new ToucanService("svc", {
          ...BASE,
          environment: { MONGO_URI: "mongodb://u:hunter2@mongo/db" },
          allowPlainEnvironment: ["MONGO_URI"],
        }),
    );
    assert.match(error.message, /`environment\.MONGO_URI`.*URI with a password/);
    assert.doesNotMatch(error.message, /allowPlainEnvironment/, "listing the name would not help");
    assert.deepEqual(recording.built, []);
  });

  it("fails the deployment when a plain variable set from an Output turns out to be a Pulumi secret", async () => {
    await assert.rejects(
      build({ ...BASE, environment: { MONGO: pulumi.secret("mongo.internal") } }),
      /`environment\.MONGO`.*is a Pulumi secret/,
    );
  });

  it("fails the deployment when a plain variable set from an Output turns out to hold a password URI", async () => {
    await assert.rejects(
      build({ ...BASE, environment: { MONGO: pulumi.output("mongodb://u:hunter2@mongo/db") } }),
      /`environment\.MONGO`.*URI with a password/,
    );
  });
});

describe("ToucanService rules", () => {
  it("knows Fargate's memory sizes for each CPU size", () => {
    assert.deepEqual(fargateMemoryOptions(256), [512, 1024, 2048]);
    assert.deepEqual(fargateMemoryOptions(512), [1024, 2048, 3072, 4096]);
    assert.equal(fargateMemoryOptions(1024)!.at(-1), 8192);
    assert.deepEqual([fargateMemoryOptions(2048)![0], fargateMemoryOptions(2048)!.at(-1)], [4096, 16384]);
    assert.deepEqual([fargateMemoryOptions(4096)![0], fargateMemoryOptions(4096)!.at(-1)], [8192, 30720]);
    assert.deepEqual(fargateMemoryOptions(8192)!.slice(0, 2), [16384, 20480]);
    assert.equal(fargateMemoryOptions(8192)!.at(-1), 61440);
    assert.deepEqual(fargateMemoryOptions(16384)!.slice(0, 2), [32768, 40960]);
    assert.equal(fargateMemoryOptions(16384)!.at(-1), 122880);
    assert.equal(fargateMemoryOptions(768), undefined);
  });

  const arns: [string, string | undefined][] = [
    [MONGO_RW, MONGO_RW],
    [`${REDIS}:password::`, REDIS],
    [`${REDIS}:password:AWSCURRENT:`, REDIS],
    [`${REDIS}:::0123-abcd`, REDIS],
    [
      `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:x-AbCdEf`,
      `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:x-AbCdEf`,
    ],
    [`${REDIS}:password`, undefined], // ECS needs all three trailing fields
    [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/toucan/mongo`, undefined],
    ["toucan/mongo-rw", undefined],
  ];
  for (const [valueFrom, expected] of arns) {
    it(`reads the secret ARN of ${valueFrom.replace(/^arn:aws[a-z-]*:[a-z]+:[a-z0-9-]+:\d+:/, "…:")}`, () => {
      assert.equal(secretArnOf(valueFrom), expected);
    });
  }

  const plain: [string, string | undefined, boolean][] = [
    ["TOUCAN_MONGODB_HOST", "mongodb://rw:pw@h:27017/db", true],
    ["URL", "redis://:pw@cache:6379", true],
    ["URL", "https://api.example.com/path@v1", false],
    ["API_BASEROUTE", "https://api-toucan.example.com", false],
    ["TOUCAN_REDIS_PASSWORD", "x", true],
    ["TOUCAN_REDIS_PASSWORD", "", false],
    ["MY_SECRET_KEY", undefined, true],
    ["TOUCAN_GUNICORN_WORKERS", undefined, false],
    ["PWD", "/app", false],
  ];
  for (const [name, value, refused] of plain) {
    it(`${refused ? "refuses" : "accepts"} ${name}=${value === undefined ? "<output>" : JSON.stringify(value)}`, () => {
      assert.equal(credentialProblem(name, value) !== undefined, refused);
    });
  }

  it("keeps the default family within 255 valid characters", () => {
    assert.equal(defaultFamily("toucan", "prod.eu", "toucan-backend"), "toucan-prod-eu-toucan-backend");
    const long = defaultFamily("p", "s", "n".repeat(300));
    assert.equal(long.length, 255);
    assert.match(long, /^[A-Za-z0-9_-]+$/);
    assert.notEqual(long, defaultFamily("p", "s", `${"n".repeat(299)}m`));
  });
});
