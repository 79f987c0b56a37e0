package dev.runwire.emulator.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Google Cloud regions the local cloud knows, with the primary range of the {@code default}
 * auto-mode network's subnet in each (all inside 10.128.0.0/9, as Google documents for auto mode
 * networks), and the short code Cloud Run puts in {@code *.a.run.app} URLs.
 */
public final class Regions {

  /** The block auto-mode subnets are carved from; custom ranges in such a network must avoid it. */
  public static final String AUTO_MODE_BLOCK = "10.128.0.0/9";

  private static final Map<String, String> AUTO_MODE;
  private static final Map<String, String> RUN_CODES;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("us-central1", "10.128.0.0/20");
    m.put("europe-west1", "10.132.0.0/20");
    m.put("us-west1", "10.138.0.0/20");
    m.put("asia-east1", "10.140.0.0/20");
    m.put("us-east1", "10.142.0.0/20");
    m.put("asia-northeast1", "10.146.0.0/20");
    m.put("asia-southeast1", "10.148.0.0/20");
    m.put("us-east4", "10.150.0.0/20");
    m.put("australia-southeast1", "10.152.0.0/20");
    m.put("europe-west2", "10.154.0.0/20");
    m.put("europe-west3", "10.156.0.0/20");
    m.put("southamerica-east1", "10.158.0.0/20");
    m.put("asia-south1", "10.160.0.0/20");
    m.put("northamerica-northeast1", "10.162.0.0/20");
    m.put("europe-west4", "10.164.0.0/20");
    m.put("europe-north1", "10.166.0.0/20");
    m.put("us-west2", "10.168.0.0/20");
    m.put("asia-east2", "10.170.0.0/20");
    m.put("europe-west6", "10.172.0.0/20");
    m.put("asia-northeast2", "10.174.0.0/20");
    m.put("asia-northeast3", "10.178.0.0/20");
    m.put("us-west3", "10.180.0.0/20");
    m.put("us-west4", "10.182.0.0/20");
    m.put("asia-southeast2", "10.184.0.0/20");
    m.put("europe-central2", "10.186.0.0/20");
    m.put("northamerica-northeast2", "10.188.0.0/20");
    m.put("asia-south2", "10.190.0.0/20");
    m.put("australia-southeast2", "10.192.0.0/20");
    m.put("southamerica-west1", "10.194.0.0/20");
    m.put("europe-west8", "10.198.0.0/20");
    m.put("europe-west9", "10.200.0.0/20");
    m.put("us-east5", "10.202.0.0/20");
    m.put("europe-southwest1", "10.204.0.0/20");
    m.put("us-south1", "10.206.0.0/20");
    m.put("me-west1", "10.208.0.0/20");
    m.put("europe-west12", "10.210.0.0/20");
    m.put("me-central1", "10.212.0.0/20");
    m.put("europe-west10", "10.214.0.0/20");
    m.put("me-central2", "10.216.0.0/20");
    m.put("africa-south1", "10.218.0.0/20");
    AUTO_MODE = Collections.unmodifiableMap(m);

    Map<String, String> c = new LinkedHashMap<>();
    c.put("us-central1", "uc");
    c.put("us-east1", "ue");
    c.put("us-east4", "uk");
    c.put("us-west1", "uw");
    c.put("europe-west1", "ew");
    c.put("europe-west2", "nw");
    c.put("europe-west3", "ey");
    c.put("europe-west4", "ez");
    c.put("europe-north1", "lz");
    c.put("asia-east1", "de");
    c.put("asia-northeast1", "an");
    c.put("asia-southeast1", "as");
    c.put("australia-southeast1", "ts");
    RUN_CODES = Collections.unmodifiableMap(c);
  }

  private Regions() {}

  public static boolean isKnown(String region) {
    return AUTO_MODE.containsKey(region);
  }

  public static Map<String, String> autoModeSubnets() {
    return AUTO_MODE;
  }

  public static Optional<String> autoModeRange(String region) {
    return Optional.ofNullable(AUTO_MODE.get(region));
  }

  /** Cloud Run's URL code for the region ({@code us-central1} → {@code uc}). */
  public static String runCode(String region) {
    String code = RUN_CODES.get(region);
    if (code != null) {
      return code;
    }
    StringBuilder sb = new StringBuilder();
    for (String part : region.split("-")) {
      if (!part.isEmpty()) {
        sb.append(part.charAt(0));
      }
    }
    return sb.toString();
  }

  /** Fails with a message naming {@code field} when {@code region} is not a known region. */
  public static void require(String field, String region) {
    if (!isKnown(region)) {
      throw ApiException.invalidArgument(
          field,
          "'"
              + region
              + "' is not a Google Cloud region the local cloud knows; use one such as"
              + " us-central1, europe-west1 or us-east1");
    }
  }
}
