package dev.runwire.job.engine;

/** Every step runwire knows, by the name used in events and on the terminal. */
public enum StepKind {
  NETWORK("network"),
  EGRESS_SUBNET("egress-subnet"),
  REDIS_INSTANCE("redis-instance"),
  REDIS_AUTH_SECRET("redis-auth-secret"),
  REDIS_AUTH_ACCESS("redis-auth-access"),
  REDIS_CA_SECRET("redis-ca-secret"),
  VPC_CONNECTOR("vpc-connector"),
  FIREWALL("firewall"),
  STATIC_ADDRESS("static-address"),
  CLOUD_ROUTER("cloud-router"),
  CLOUD_NAT("cloud-nat"),
  CLOUD_RUN_SERVICE("cloud-run-service"),
  PROBE_JOB("probe-job"),
  PRUNE("prune"),
  VERIFY("verify");

  private final String wire;

  StepKind(String wire) {
    this.wire = wire;
  }

  /** The step's name in events, e.g. {@code redis-instance}. */
  public String wire() {
    return wire;
  }

  public static StepKind fromWire(String value) {
    for (StepKind kind : values()) {
      if (kind.wire.equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown step '" + value + "'");
  }
}
