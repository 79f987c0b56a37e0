package dev.runwire.schemas.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The deployment policy: its defaults, its variables, and what it refuses in a request. */
class DeploymentPolicyTest {

  private static final String DIGEST =
      "@sha256:abababababababababababababababababababababababababababababababab";

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "europe-west4-docker.pkg.dev/acme-shop-prod/apps/orders-api:1.42.0",
        "us-docker.pkg.dev/acme-shop-prod/apps/orders-api",
        "europe-docker.pkg.dev/acme-shop-prod/apps/team/orders-api:v2",
        "asia-docker.pkg.dev/acme-shop-prod/apps/orders-api" + DIGEST,
        "gcr.io/acme-shop-prod/orders-api:1.0",
        "us.gcr.io/acme-shop-prod/orders-api",
        "eu.gcr.io/acme-shop-prod/orders_api:1.0" + DIGEST,
        "asia.gcr.io/acme-shop-prod/orders-api"
      })
  void byDefaultTheTargetProjectsOwnRegistriesAreAllowed(String image) {
    assertEquals(List.of(), DeploymentPolicy.DEFAULT.refusals(withImage(image)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "docker.io/evil/miner:latest",
        "evil/miner",
        "us-docker.pkg.dev/victim/prod/payments:1",
        "gcr.io/victim/payments",
        "gcr.io/acme-shop-prod-evil/miner",
        "gcr.io/acme-shop-prod/../victim/payments",
        "gcr.io/acme-shop-prod//miner",
        "gcr.io/acme-shop-prod/",
        "gcr.io.evil.com/acme-shop-prod/miner",
        "evil.com/gcr.io/acme-shop-prod/miner",
        "europe-west4-docker.pkg.dev.evil.com/acme-shop-prod/x/miner",
        "evil-docker.pkg.dev/acme-shop-prod/x/miner",
        "GCR.IO/acme-shop-prod/miner",
        "gcr.io/acme-shop-prod/Miner",
        "gcr.io/acme-shop-prod/miner@sha256:short"
      })
  void byDefaultEveryOtherImageIsRefusedNamingTheAllowedRegistries(String image) {
    List<Problem> refusals = DeploymentPolicy.DEFAULT.refusals(withImage(image));

    assertEquals(1, refusals.size(), refusals.toString());
    Problem p = refusals.get(0);
    assertEquals("/service/image", p.pointer());
    assertEquals(PolicyReasons.IMAGE_NOT_ALLOWED, p.reason());
    assertTrue(p.message().contains("gcr.io/acme-shop-prod/"), p.message());
    assertTrue(p.message().contains("LOCATION-docker.pkg.dev/acme-shop-prod/"), p.message());
    assertTrue(p.message().contains("RUNWIRE_ALLOWED_IMAGE_PREFIXES"), p.message());
  }

  @Test
  void aPrefixEndsAtASlashSoAcmeDoesNotAllowAcmeEvil() {
    DeploymentPolicy policy =
        DeploymentPolicy.fromEnv(Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme/, local/"));

    assertEquals(List.of(), policy.refusals(withImage("gcr.io/acme/app:1")));
    assertEquals(List.of(), policy.refusals(withImage("gcr.io/acme/team/app" + DIGEST)));
    assertEquals(List.of(), policy.refusals(withImage("local/visitor-counter")));
    assertRefused(policy, withImage("gcr.io/acme-evil/app:1"), PolicyReasons.IMAGE_NOT_ALLOWED);
    assertRefused(policy, withImage("gcr.io/acme/../evil/app"), PolicyReasons.IMAGE_NOT_ALLOWED);
    assertRefused(policy, withImage("localhost/app"), PolicyReasons.IMAGE_NOT_ALLOWED);
    // The list replaces the default: the target project's own registry is no longer implied.
    assertRefused(policy, withImage("gcr.io/acme-shop-prod/app"), PolicyReasons.IMAGE_NOT_ALLOWED);
  }

  @Test
  void aRequestWithoutAnImageKeepsTheDeployedOneAndIsNotAskedAboutRegistries() {
    ProvisioningRequest request = request(json -> json.getAsJsonObject("service").remove("image"));

    assertEquals(List.of(), DeploymentPolicy.DEFAULT.refusals(request));
  }

  @Test
  void byDefaultAPublicFlipAndAdoptionAreRefusedAndDataLossIsAllowed() {
    ProvisioningRequest hostile =
        request(
            json -> {
              json.getAsJsonObject("service").addProperty("allowUnauthenticated", true);
              json.add("adopt", JsonParser.parseString("[\"cloud-run-service\"]"));
            });

    List<Problem> refusals = DeploymentPolicy.DEFAULT.refusals(hostile);

    assertEquals(
        List.of("/service/allowUnauthenticated", "/adopt"),
        refusals.stream().map(Problem::pointer).toList());
    assertEquals(
        List.of(PolicyReasons.PUBLIC_SERVICE_NOT_ALLOWED, PolicyReasons.ADOPTION_NOT_ALLOWED),
        refusals.stream().map(Problem::reason).toList());
    assertTrue(refusals.get(0).message().contains("RUNWIRE_ALLOW_PUBLIC_SERVICES=true"));
    assertTrue(refusals.get(1).message().contains("RUNWIRE_ALLOW_ADOPTION=true"));
    assertEquals(List.of(), DeploymentPolicy.DEFAULT.refusals(destroyWithDataLoss()));
    assertEquals(
        List.of(),
        DeploymentPolicy.DEFAULT.refusals(
            request(j -> j.getAsJsonObject("service").addProperty("allowUnauthenticated", false))));
  }

  @Test
  void thePolicyCanAllowPublicServicesAndAdoption() {
    DeploymentPolicy policy =
        DeploymentPolicy.fromEnv(
            Map.of("RUNWIRE_ALLOW_PUBLIC_SERVICES", "true", "RUNWIRE_ALLOW_ADOPTION", "TRUE"));
    ProvisioningRequest request =
        request(
            json -> {
              json.getAsJsonObject("service").addProperty("allowUnauthenticated", true);
              json.add(
                  "adopt", JsonParser.parseString("[\"cloud-run-service\",\"redis-instance\"]"));
            });

    assertEquals(List.of(), policy.refusals(request));
  }

  @ParameterizedTest(name = "RUNWIRE_DATA_LOSS_PROJECTS=''{0}''")
  @CsvSource(
      value = {
        "'',false",
        "'*',true",
        "'other-project',false",
        "'other-project,acme-shop-prod',true"
      })
  void dataLossIsAllowedOnlyInTheProjectsThePolicyNames(String value, boolean allowed) {
    DeploymentPolicy policy = DeploymentPolicy.fromEnv(Map.of("RUNWIRE_DATA_LOSS_PROJECTS", value));

    List<Problem> refusals = policy.refusals(destroyWithDataLoss());

    assertEquals(allowed, refusals.isEmpty(), refusals.toString());
    if (!allowed) {
      assertEquals("/allowDataLoss", refusals.get(0).pointer());
      assertEquals(PolicyReasons.DATA_LOSS_NOT_ALLOWED, refusals.get(0).reason());
      assertTrue(refusals.get(0).message().contains("acme-shop-prod"));
    }
  }

  @Test
  void projectsAndRegionsOutsideTheListsAreRefusedAlsoForAScopedSweep() {
    DeploymentPolicy policy =
        DeploymentPolicy.fromEnv(
            Map.of(
                "RUNWIRE_ALLOWED_PROJECTS", "other-project",
                "RUNWIRE_ALLOWED_REGIONS", "us-central1,europe-west1"));

    List<Problem> refusals = policy.refusals(request(json -> {}));
    assertEquals(
        List.of("/target/project", "/target/region"),
        refusals.stream().map(Problem::pointer).toList());
    assertEquals(PolicyReasons.PROJECT_NOT_ALLOWED, refusals.get(0).reason());
    assertEquals(PolicyReasons.REGION_NOT_ALLOWED, refusals.get(1).reason());

    ProvisioningRequest sweep =
        read(
            "{\"apiVersion\":\"runwire.dev/v1\",\"requestId\":\"s-1\",\"mode\":\"drift-check\","
                + "\"scope\":{\"project\":\"other-project\",\"regions\":[\"us-central1\",\"asia-east1\"]}}");
    List<Problem> sweepRefusals = policy.refusals(sweep);
    assertEquals(
        List.of("/scope/regions/1"), sweepRefusals.stream().map(Problem::pointer).toList());
  }

  @Test
  void everyBadVariableIsNamedWithItsFix() {
    DeploymentPolicy.Reading reading =
        DeploymentPolicy.read(
            Map.of(
                "RUNWIRE_ALLOWED_PROJECTS", "acme-prod,Acme_Prod",
                "RUNWIRE_ALLOWED_REGIONS", "europe-west4,EU",
                "RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme,gcr.io/../x/,*",
                "RUNWIRE_ALLOW_PUBLIC_SERVICES", "yes",
                "RUNWIRE_ALLOW_ADOPTION", "1",
                "RUNWIRE_DATA_LOSS_PROJECTS", "*,acme-prod"));

    String all = String.join("\n", reading.problems());
    assertEquals(8, reading.problems().size(), all);
    assertTrue(all.contains("RUNWIRE_ALLOWED_PROJECTS: 'Acme_Prod' is not a project id"), all);
    assertTrue(all.contains("RUNWIRE_ALLOWED_REGIONS: 'EU' is not a region"), all);
    assertTrue(all.contains("'gcr.io/acme' must end with '/'"), all);
    assertTrue(all.contains("write gcr.io/acme/"), all);
    assertTrue(all.contains("'gcr.io/../x/' is not a registry prefix"), all);
    assertTrue(all.contains("'*' is not supported"), all);
    assertTrue(all.contains("RUNWIRE_ALLOW_PUBLIC_SERVICES: 'yes' is not true or false"), all);
    assertTrue(all.contains("RUNWIRE_ALLOW_ADOPTION: '1' is not true or false"), all);
    assertTrue(all.contains("RUNWIRE_DATA_LOSS_PROJECTS: '*' is not a project id"), all);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> DeploymentPolicy.fromEnv(Map.of("RUNWIRE_ALLOW_ADOPTION", "maybe")));
    assertTrue(e.getMessage().contains("RUNWIRE_ALLOW_ADOPTION"), e.getMessage());
  }

  @Test
  void theStartUpLineNamesEveryKnob() {
    String line = DeploymentPolicy.DEFAULT.describe();

    for (String variable : DeploymentPolicy.VARIABLES) {
      assertTrue(line.contains(variable + "="), line);
    }
    assertTrue(line.contains("RUNWIRE_ALLOW_PUBLIC_SERVICES=false"), line);
    assertTrue(line.contains("RUNWIRE_ALLOW_ADOPTION=false"), line);
    assertTrue(line.contains("RUNWIRE_DATA_LOSS_PROJECTS=*"), line);
    assertFalse(line.contains("\n"));
  }

  @Test
  void anAllowedImagesValueCannotBeBuiltWithAnUnsafePrefix() {
    assertThrows(IllegalArgumentException.class, () -> new AllowedImages(List.of("gcr.io/acme")));
  }

  private static void assertRefused(
      DeploymentPolicy policy, ProvisioningRequest request, String reason) {
    List<Problem> refusals = policy.refusals(request);
    assertEquals(
        List.of(reason), refusals.stream().map(Problem::reason).toList(), request.toString());
  }

  private static ProvisioningRequest withImage(String image) {
    return request(json -> json.getAsJsonObject("service").addProperty("image", image));
  }

  private static ProvisioningRequest destroyWithDataLoss() {
    return request(
        json -> {
          json.addProperty("mode", "destroy");
          json.addProperty("allowDataLoss", true);
        });
  }

  /** The valid direct-vpc example, changed by {@code edit}, validated. */
  private static ProvisioningRequest request(Consumer<JsonObject> edit) {
    JsonObject json =
        JsonParser.parseString(
                """
                {"apiVersion":"runwire.dev/v1","requestId":"orders-1","mode":"apply",
                 "target":{"project":"acme-shop-prod","region":"europe-west4"},
                 "service":{"name":"orders-api",
                            "image":"europe-west4-docker.pkg.dev/acme-shop-prod/apps/orders-api:1"},
                 "redis":{"name":"orders-cache"},
                 "egress":{"mode":"direct-vpc","subnet":{"name":"orders-egress","range":"10.20.0.0/26"}}}
                """)
            .getAsJsonObject();
    edit.accept(json);
    return read(json.toString());
  }

  private static ProvisioningRequest read(String json) {
    ValidationResult result = RequestValidator.standard().validate(json);
    assertTrue(result.valid(), () -> result.problems().toString());
    return result.request();
  }
}
