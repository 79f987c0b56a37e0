package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RangeReservations;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks Cloud Run makes on a revision or task template: containers and images, env names,
 * secret env vars that must point at an existing version, and VPC access (a connector that exists,
 * or Direct VPC egress on a subnet of /26 or larger, never both).
 */
final class RevisionChecks {

  private static final Set<String> RESERVED_ENV =
      Set.of(
          "PORT",
          "K_SERVICE",
          "K_REVISION",
          "K_CONFIGURATION",
          "CLOUD_RUN_JOB",
          "CLOUD_RUN_EXECUTION",
          "CLOUD_RUN_TASK_INDEX",
          "CLOUD_RUN_TASK_ATTEMPT",
          "CLOUD_RUN_TASK_COUNT");
  private static final Pattern CONNECTOR =
      Pattern.compile("^projects/([^/]+)/locations/([^/]+)/connectors/([^/]+)$");
  private static final Pattern NETWORK =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?(?:projects/([^/]+)/)?global/networks/([^/]+)$");
  private static final Pattern SUBNET =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?(?:projects/([^/]+)/)?regions/([^/]+)/subnetworks/([^/]+)$");
  private static final int SMALLEST_DIRECT_VPC_SUBNET = 26;

  private final Networks networks;
  private final Connectors connectors;
  private final dev.runwire.emulator.core.SecretValues secrets;

  RevisionChecks(
      Networks networks, Connectors connectors, dev.runwire.emulator.core.SecretValues secrets) {
    this.networks = networks;
    this.connectors = connectors;
    this.secrets = secrets;
  }

  void containers(List<Container> containers, String field, String project, boolean service) {
    if (containers.isEmpty()) {
      throw ApiException.invalidArgument(field, "at least one container with an image is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String at = field + "[" + i + "]";
      if (c.getImage().isBlank()) {
        throw ApiException.invalidArgument(at + ".image", "required: name the container image");
      }
      if (!c.getName().isEmpty() && !names.add(c.getName())) {
        throw ApiException.invalidArgument(at + ".name", "'" + c.getName() + "' is used twice");
      }
      env(c.getEnvList(), at + ".env", project, service);
    }
  }

  void env(List<EnvVar> env, String field, String project, boolean service) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      EnvVar e = env.get(i);
      String at = field + "[" + i + "]";
      if (e.getName().isEmpty() || e.getName().contains("=")) {
        throw ApiException.invalidArgument(at + ".name", "an env var needs a name without '='");
      }
      if (RESERVED_ENV.contains(e.getName())) {
        throw ApiException.invalidArgument(
            at + ".name",
            "'" + e.getName() + "' is reserved: Cloud Run sets it" + (service ? "" : " for jobs"));
      }
      if (!seen.add(e.getName())) {
        throw ApiException.invalidArgument(at + ".name", "'" + e.getName() + "' is set twice");
      }
      if (e.hasValueSource()) {
        SecretKeySelector ref = e.getValueSource().getSecretKeyRef();
        if (ref.getSecret().isEmpty()) {
          throw ApiException.invalidArgument(
              at + ".valueSource.secretKeyRef.secret", "required: name a Secret Manager secret");
        }
        String version = ref.getVersion().isEmpty() ? "latest" : ref.getVersion();
        if (secrets.resolveVersion(project, ref.getSecret(), version).isEmpty()) {
          throw ApiException.invalidArgument(
              at + ".valueSource.secretKeyRef",
              "secret '"
                  + ref.getSecret()
                  + "' version '"
                  + version
                  + "' does not exist or is not enabled in project "
                  + project
                  + "; create the secret and add a version first");
        }
      }
    }
  }

  /** Checks VPC access and returns it with the default egress filled in. */
  VpcAccess vpcAccess(VpcAccess v, String field, String project, String region) {
    VpcAccess.Builder out = v.toBuilder();
    boolean connector = !v.getConnector().isEmpty();
    if (connector && v.getNetworkInterfacesCount() > 0) {
      throw ApiException.invalidArgument(
          field,
          "connector and networkInterfaces cannot both be set: use a connector or Direct VPC"
              + " egress, and clear the other in the same update");
    }
    if (v.getEgress() == VpcAccess.VpcEgress.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          field + ".egress", "use ALL_TRAFFIC (1) or PRIVATE_RANGES_ONLY (2)");
    }
    if ((connector || v.getNetworkInterfacesCount() > 0)
        && v.getEgress() == VpcAccess.VpcEgress.VPC_EGRESS_UNSPECIFIED) {
      out.setEgress(VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY);
    }
    if (connector) {
      String name =
          v.getConnector().contains("/")
              ? v.getConnector()
              : "projects/" + project + "/locations/" + region + "/connectors/" + v.getConnector();
      Matcher m = CONNECTOR.matcher(name);
      if (!m.matches()) {
        throw ApiException.invalidArgument(
            field + ".connector",
            "'"
                + v.getConnector()
                + "' is not a connector name; use projects/"
                + project
                + "/locations/"
                + region
                + "/connectors/NAME");
      }
      Optional<Connectors.Connector> found = connectors.find(name);
      if (found.isEmpty()) {
        throw ApiException.invalidArgument(
            field + ".connector",
            "connector '" + name + "' does not exist; create it with Serverless VPC Access first");
      }
      if (!found.get().ready()) {
        throw ApiException.failedPrecondition(
            "Connector '" + name + "' is not READY yet; wait for its create operation");
      }
    }
    if (v.getNetworkInterfacesCount() > 1) {
      throw ApiException.invalidArgument(
          field + ".networkInterfaces", "at most one network interface is supported");
    }
    if (v.getNetworkInterfacesCount() == 1) {
      directVpc(v.getNetworkInterfaces(0), field + ".networkInterfaces[0]", project, region);
    }
    return out.build();
  }

  /**
   * The subnet ({@code projects/P/regions/R/subnetworks/S}) a template's Direct VPC egress puts
   * addresses in, if any. Called with the lock held on a template already checked.
   */
  Optional<String> directVpcSubnet(VpcAccess v, String project, String region) {
    if (v.getNetworkInterfacesCount() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          directVpc(v.getNetworkInterfaces(0), "vpcAccess", project, region).selfLinkName());
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  /** See {@link Networks#holdSubnet}. */
  void holdSubnet(String subnet, String user, java.time.Instant releaseAt) {
    networks.holdSubnet(subnet, user, releaseAt);
  }

  private Networks.Subnet directVpc(
      VpcAccess.NetworkInterface ni, String field, String project, String region) {
    if (ni.getNetwork().isEmpty() && ni.getSubnetwork().isEmpty()) {
      throw ApiException.invalidArgument(field, "name a network, a subnetwork or both");
    }
    String netProject = project;
    String network = null;
    if (!ni.getNetwork().isEmpty()) {
      Matcher m = NETWORK.matcher(ni.getNetwork());
      if (m.matches()) {
        netProject = m.group(1) == null ? project : m.group(1);
        network = m.group(2);
      } else if (!ni.getNetwork().contains("/")) {
        network = ni.getNetwork();
      } else {
        throw ApiException.invalidArgument(
            field + ".network",
            "'"
                + ni.getNetwork()
                + "' is not a network; use NAME or projects/P/global/networks/NAME");
      }
      if (!networks.networkExists(netProject, network)) {
        throw ApiException.invalidArgument(
            field + ".network",
            "network '" + network + "' does not exist in project " + netProject);
      }
    }
    String subnetName = network;
    String subnetRegion = region;
    if (!ni.getSubnetwork().isEmpty()) {
      Matcher m = SUBNET.matcher(ni.getSubnetwork());
      if (m.matches()) {
        netProject = m.group(1) == null ? netProject : m.group(1);
        subnetRegion = m.group(2);
        subnetName = m.group(3);
      } else if (!ni.getSubnetwork().contains("/")) {
        subnetName = ni.getSubnetwork();
      } else {
        throw ApiException.invalidArgument(
            field + ".subnetwork",
            "'"
                + ni.getSubnetwork()
                + "' is not a subnetwork; use NAME or projects/P/regions/R/subnetworks/NAME");
      }
    }
    if (!subnetRegion.equals(region)) {
      throw ApiException.invalidArgument(
          field + ".subnetwork",
          "subnetwork is in " + subnetRegion + " but the resource runs in " + region);
    }
    String subnetField = field + (ni.getSubnetwork().isEmpty() ? ".network" : ".subnetwork");
    String wantedSubnet = subnetName;
    Networks.Subnet subnet =
        networks
            .subnet(netProject, region, wantedSubnet)
            .orElseThrow(
                () ->
                    ApiException.invalidArgument(
                        subnetField,
                        "subnetwork '"
                            + wantedSubnet
                            + "' does not exist in "
                            + region
                            + " of project "
                            + project
                            + "; create it first (a /26 or larger)"));
    if (network != null && !subnet.network().equals(network)) {
      throw ApiException.invalidArgument(
          field + ".subnetwork",
          "subnetwork '"
              + subnetName
              + "' belongs to network '"
              + subnet.network()
              + "', not '"
              + network
              + "'");
    }
    int prefix =
        RangeReservations.parseBlock(subnet.ipCidrRange())
            .map(a -> a.getNetworkPrefixLength())
            .orElse(32);
    if (prefix > SMALLEST_DIRECT_VPC_SUBNET) {
      throw ApiException.invalidArgument(
          subnetField,
          "subnetwork '"
              + subnetName
              + "' is a /"
              + prefix
              + " ("
              + subnet.ipCidrRange()
              + "); Direct VPC egress needs a /26 or larger");
    }
    return subnet;
  }

  /**
   * Cloud Run's deploy-time check that the revision's service account may read every secret the
   * revision references ("If any check fails, the service deployment fails"). The message is Cloud
   * Run's, e.g. as reported in sourcegraph/sourcegraph-public-snapshot#59045: {@code
   * spec.template.spec.containers[0].env[12].value_from.secret_key_ref.name: Permission denied on
   * secret: projects/P/secrets/S/versions/latest for Revision service account SA.}
   */
  Optional<String> secretAccessDenied(
      List<Container> containers, String serviceAccount, String project) {
    for (int i = 0; i < containers.size(); i++) {
      List<EnvVar> env = containers.get(i).getEnvList();
      for (int j = 0; j < env.size(); j++) {
        EnvVar e = env.get(j);
        if (!e.hasValueSource()) {
          continue;
        }
        SecretKeySelector ref = e.getValueSource().getSecretKeyRef();
        String version = ref.getVersion().isEmpty() ? "latest" : ref.getVersion();
        Optional<String> resolved = secrets.resolveVersion(project, ref.getSecret(), version);
        if (resolved.isPresent()
            && !secrets.canAccess(resolved.get(), "serviceAccount:" + serviceAccount)) {
          String secret =
              ref.getSecret().startsWith("projects/")
                  ? ref.getSecret()
                  : "projects/" + project + "/secrets/" + ref.getSecret();
          return Optional.of(
              "spec.template.spec.containers["
                  + i
                  + "].env["
                  + j
                  + "].value_from.secret_key_ref.name: Permission denied on secret: "
                  + secret
                  + "/versions/"
                  + version
                  + " for Revision service account "
                  + serviceAccount
                  + ". The service account used must be granted the 'Secret Manager Secret"
                  + " Accessor' role (roles/secretmanager.secretAccessor) at the secret, project"
                  + " or higher level.");
        }
      }
    }
    return Optional.empty();
  }

  /** The env a container runs with: plain values and resolved secret payloads. */
  Map<String, String> resolve(List<EnvVar> env, String project) {
    Map<String, String> out = new LinkedHashMap<>();
    for (EnvVar e : env) {
      if (e.hasValueSource()) {
        SecretKeySelector ref = e.getValueSource().getSecretKeyRef();
        String version = ref.getVersion().isEmpty() ? "latest" : ref.getVersion();
        secrets
            .resolveVersion(project, ref.getSecret(), version)
            .flatMap(secrets::payload)
            .ifPresent(bytes -> out.put(e.getName(), new String(bytes, StandardCharsets.UTF_8)));
      } else {
        out.put(e.getName(), e.getValue());
      }
    }
    return out;
  }
}
