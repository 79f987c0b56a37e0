package dev.runwire.schemas.policy;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Service;
import dev.runwire.schemas.ProvisioningRequest.Target;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a request may ask runwire to do in this deployment. Anyone who may publish to the requests
 * topic can send any request, and Pub/Sub messages carry no publisher identity, so every request is
 * held against this one policy: in the function before an execution starts, and again in the job at
 * start (the job can be run by hand). Read once from the environment; safe defaults.
 *
 * @param allowedProjects projects requests may target; empty = any
 * @param allowedRegions regions requests may target; empty = any
 * @param images which images {@code service.image} may name
 * @param allowPublicServices whether {@code allowUnauthenticated: true} (allUsers invoker) is
 *     allowed
 * @param allowAdoption whether a request may take over existing resources ({@code adopt})
 * @param dataLossProjects projects where {@code allowDataLoss} is allowed (for resources runwire
 *     owns); {@link #ANY} = every allowed project, empty = never
 */
public record DeploymentPolicy(
    Set<String> allowedProjects,
    Set<String> allowedRegions,
    AllowedImages images,
    boolean allowPublicServices,
    boolean allowAdoption,
    Set<String> dataLossProjects) {

  public static final String ALLOWED_PROJECTS = "RUNWIRE_ALLOWED_PROJECTS";
  public static final String ALLOWED_REGIONS = "RUNWIRE_ALLOWED_REGIONS";
  public static final String ALLOWED_IMAGE_PREFIXES = "RUNWIRE_ALLOWED_IMAGE_PREFIXES";
  public static final String ALLOW_PUBLIC_SERVICES = "RUNWIRE_ALLOW_PUBLIC_SERVICES";
  public static final String ALLOW_ADOPTION = "RUNWIRE_ALLOW_ADOPTION";
  public static final String DATA_LOSS_PROJECTS = "RUNWIRE_DATA_LOSS_PROJECTS";

  /** Every variable the policy reads, in the order {@link #describe()} prints them. */
  public static final List<String> VARIABLES =
      List.of(
          ALLOWED_PROJECTS,
          ALLOWED_REGIONS,
          ALLOWED_IMAGE_PREFIXES,
          ALLOW_PUBLIC_SERVICES,
          ALLOW_ADOPTION,
          DATA_LOSS_PROJECTS);

  /** In {@link #dataLossProjects}: allowed in every allowed project (the default). */
  public static final String ANY = "*";

  private static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[a-z]+(-[a-z]+)+[0-9]{1,2}");

  /** The defaults: any project and region, own registries only, nothing public, no adoption. */
  public static final DeploymentPolicy DEFAULT = fromEnv(Map.of());

  public DeploymentPolicy {
    allowedProjects = Set.copyOf(allowedProjects);
    allowedRegions = Set.copyOf(allowedRegions);
    dataLossProjects = Set.copyOf(dataLossProjects);
  }

  /** The policy and every problem with the variables it was read from. */
  public record Reading(DeploymentPolicy policy, List<String> problems) {}

  /**
   * Reads the policy; a bad value becomes a problem naming the variable and the fix (and its safe
   * default is used in the meantime, for a caller that wants to list every problem first).
   */
  public static Reading read(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Set<String> projects =
        names(env, ALLOWED_PROJECTS, PROJECT, "project id, e.g. acme-prod", problems);
    Set<String> regions =
        names(env, ALLOWED_REGIONS, REGION, "region, e.g. europe-west4", problems);
    List<String> prefixes = new ArrayList<>();
    for (String prefix : list(env.get(ALLOWED_IMAGE_PREFIXES))) {
      String problem = AllowedImages.problemWith(prefix);
      if (problem != null) {
        problems.add(ALLOWED_IMAGE_PREFIXES + ": " + problem);
      } else {
        prefixes.add(prefix);
      }
    }
    boolean publicServices = bool(env, ALLOW_PUBLIC_SERVICES, problems);
    boolean adoption = bool(env, ALLOW_ADOPTION, problems);
    Set<String> dataLoss;
    String dataLossValue = env.get(DATA_LOSS_PROJECTS);
    if (dataLossValue == null) {
      dataLoss = Set.of(ANY);
    } else if (dataLossValue.trim().equals(ANY)) {
      dataLoss = Set.of(ANY);
    } else {
      dataLoss =
          names(
              env,
              DATA_LOSS_PROJECTS,
              PROJECT,
              "project id (or the value * alone for every allowed project, or empty for never)",
              problems);
    }
    return new Reading(
        new DeploymentPolicy(
            projects, regions, new AllowedImages(prefixes), publicServices, adoption, dataLoss),
        List.copyOf(problems));
  }

  /**
   * Reads the policy.
   *
   * @throws IllegalStateException naming every bad variable and its fix
   */
  public static DeploymentPolicy fromEnv(Map<String, String> env) {
    Reading reading = read(env);
    if (!reading.problems().isEmpty()) {
      throw new IllegalStateException(String.join("; ", reading.problems()));
    }
    return reading.policy();
  }

  /** The configured image prefixes; empty = the target project's own registries. */
  public List<String> allowedImagePrefixes() {
    return images.prefixes();
  }

  /** One line with every knob, for the start-up log of the function and the job. */
  public String describe() {
    return "deployment policy: "
        + ALLOWED_PROJECTS
        + "="
        + listOrAny(allowedProjects)
        + " "
        + ALLOWED_REGIONS
        + "="
        + listOrAny(allowedRegions)
        + " "
        + ALLOWED_IMAGE_PREFIXES
        + "="
        + (images.prefixes().isEmpty()
            ? "(unset: each target project's own Artifact Registry and Container Registry)"
            : String.join(",", images.prefixes()))
        + " "
        + ALLOW_PUBLIC_SERVICES
        + "="
        + allowPublicServices
        + " "
        + ALLOW_ADOPTION
        + "="
        + allowAdoption
        + " "
        + DATA_LOSS_PROJECTS
        + "="
        + (dataLossProjects.contains(ANY)
            ? "* (every allowed project, owned resources only)"
            : dataLossProjects.isEmpty() ? "(empty: never)" : sorted(dataLossProjects));
  }

  /**
   * Everything in {@code request} this policy refuses, each with a named reason ({@link
   * PolicyReasons}), the field and the fix; empty when the request may run. Decided from the
   * request alone, before any API call. Call it on a request that passed validation.
   */
  public List<Problem> refusals(ProvisioningRequest request) {
    List<Problem> refusals = new ArrayList<>();
    if (request.isScoped()) {
      project(request.scope().project(), "/scope/project", refusals);
      List<String> regions = request.scope().regions();
      for (int i = 0; i < regions.size(); i++) {
        region(regions.get(i), "/scope/regions/" + i, refusals);
      }
      return refusals;
    }
    Target target = request.target();
    if (target == null) {
      return refusals;
    }
    project(target.project(), "/target/project", refusals);
    region(target.region(), "/target/region", refusals);
    Service service = request.service();
    if (service != null
        && service.image() != null
        && !images.allows(service.image(), target.project())) {
      refusals.add(
          new Problem(
              "/service/image",
              "image "
                  + printable(service.image())
                  + " is not from an allowed registry ("
                  + images.describe(target.project())
                  + "); push it there, or have the operator add its registry prefix to "
                  + ALLOWED_IMAGE_PREFIXES,
              PolicyReasons.IMAGE_NOT_ALLOWED));
    }
    if (service != null
        && Boolean.TRUE.equals(service.allowUnauthenticated())
        && !allowPublicServices) {
      refusals.add(
          new Problem(
              "/service/allowUnauthenticated",
              "making a service public (roles/run.invoker for allUsers) is not allowed here ("
                  + ALLOW_PUBLIC_SERVICES
                  + " is false); remove allowUnauthenticated, or have the operator set "
                  + ALLOW_PUBLIC_SERVICES
                  + "=true",
              PolicyReasons.PUBLIC_SERVICE_NOT_ALLOWED));
    }
    if (!request.adoptedKinds().isEmpty() && !allowAdoption) {
      refusals.add(
          new Problem(
              "/adopt",
              "taking over existing resources is not allowed here ("
                  + ALLOW_ADOPTION
                  + " is false); remove adopt (runwire then uses existing resources it did not"
                  + " create without changing them), or have the operator set "
                  + ALLOW_ADOPTION
                  + "=true",
              PolicyReasons.ADOPTION_NOT_ALLOWED));
    }
    if (request.allowDataLoss() && !dataLossAllowedIn(target.project())) {
      refusals.add(
          new Problem(
              "/allowDataLoss",
              "deleting data (allowDataLoss) is not allowed in project '"
                  + target.project()
                  + "' ("
                  + DATA_LOSS_PROJECTS
                  + " is "
                  + (dataLossProjects.isEmpty() ? "empty: never" : sorted(dataLossProjects))
                  + "); destroy without allowDataLoss keeps the Redis instance, or have the"
                  + " operator add the project to "
                  + DATA_LOSS_PROJECTS,
              PolicyReasons.DATA_LOSS_NOT_ALLOWED));
    }
    return refusals;
  }

  /** Whether {@code allowDataLoss} may delete resources runwire owns in {@code project}. */
  public boolean dataLossAllowedIn(String project) {
    return dataLossProjects.contains(ANY) || dataLossProjects.contains(project);
  }

  private void project(String project, String pointer, List<Problem> refusals) {
    if (!allowedProjects.isEmpty() && !allowedProjects.contains(project)) {
      refusals.add(
          new Problem(
              pointer,
              "project '"
                  + project
                  + "' is not allowed here; "
                  + ALLOWED_PROJECTS
                  + " is "
                  + sorted(allowedProjects),
              PolicyReasons.PROJECT_NOT_ALLOWED));
    }
  }

  private void region(String region, String pointer, List<Problem> refusals) {
    if (!allowedRegions.isEmpty() && !allowedRegions.contains(region)) {
      refusals.add(
          new Problem(
              pointer,
              "region '"
                  + region
                  + "' is not allowed here; "
                  + ALLOWED_REGIONS
                  + " is "
                  + sorted(allowedRegions),
              PolicyReasons.REGION_NOT_ALLOWED));
    }
  }

  private static Set<String> names(
      Map<String, String> env,
      String variable,
      Pattern pattern,
      String what,
      List<String> problems) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : list(env.get(variable))) {
      if (pattern.matcher(name).matches()) {
        names.add(name);
      } else {
        problems.add(
            variable + ": '" + name + "' is not a " + what + "; write a comma list of them");
      }
    }
    return names;
  }

  private static boolean bool(Map<String, String> env, String variable, List<String> problems) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(variable + ": '" + value.trim() + "' is not true or false (default false)");
        yield false;
      }
    };
  }

  private static List<String> list(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String listOrAny(Set<String> names) {
    return names.isEmpty() ? "(any)" : sorted(names);
  }

  private static String sorted(Set<String> names) {
    return String.join(",", names.stream().sorted().toList());
  }

  /** A publisher's value as a message may show it: quoted, control characters escaped, bounded. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < text.length() && i < 200; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
    }
    return out.append(text.length() > 200 ? "...'" : "'").toString();
  }
}
