package dev.runwire.emulator.core;

import java.util.Optional;

/**
 * Secret Manager as Cloud Run needs it: resolve a secret env var's version and read its payload.
 * Called with the state lock held.
 */
public interface SecretValues {

  SecretValues NONE =
      new SecretValues() {
        @Override
        public Optional<String> resolveVersion(String project, String secret, String version) {
          return Optional.empty();
        }

        @Override
        public Optional<byte[]> payload(String versionName) {
          return Optional.empty();
        }

        @Override
        public boolean canAccess(String versionName, String member) {
          return false;
        }
      };

  /**
   * The full name of an enabled version ({@code projects/P/secrets/S/versions/N}); {@code secret}
   * is a short id or a full name, {@code version} a number or {@code latest}.
   */
  Optional<String> resolveVersion(String project, String secret, String version);

  Optional<byte[]> payload(String versionName);

  /**
   * May {@code member} ({@code serviceAccount:EMAIL}) read {@code versionName}'s payload: does the
   * secret's IAM policy grant it {@code roles/secretmanager.secretAccessor} (or a role that
   * includes it)? The local cloud does not model project-level IAM, so only the secret's own policy
   * counts.
   */
  boolean canAccess(String versionName, String member);
}
