package dev.runwire.emulator.core;

import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;

/** Generated ids: seeded, so a run with the same seed and requests names things the same way. */
public final class Ids {

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";

  private Random random;
  private final SecureRandom secrets = new SecureRandom();

  public Ids(long seed) {
    this.random = new Random(seed);
  }

  /** Starts another seeded sequence (a cloud loaded from a state file must not repeat ids). */
  public synchronized void reseed(long seed) {
    this.random = new Random(seed);
  }

  public synchronized String operationId() {
    return "operation-" + System.currentTimeMillis() + "-" + Long.toHexString(random.nextLong());
  }

  public synchronized String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  public synchronized String lowerAlnum(int length) {
    return pick(LOWER_ALNUM, length);
  }

  public synchronized String lower(int length) {
    return pick(LOWER, length);
  }

  /** A secret (Redis AUTH string): never seeded, never logged. */
  public String secret() {
    byte[] bytes = new byte[24];
    secrets.nextBytes(bytes);
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  private String pick(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
