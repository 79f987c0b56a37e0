package dev.runwire.emulator.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The file a local cloud keeps its world in between runs. It holds secrets (Secret Manager
 * payloads, Redis AUTH strings), so it is written owner-only ({@code rw-------}) through a
 * temporary file in the same directory, moved into place so a crash never leaves half a file; its
 * content is never logged.
 */
public final class StateFile {

  /** What the first line of a state file says it is, so an unrelated file is refused. */
  public static final String FORMAT = "runwire-local-cloud-state/1";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path path;

  public StateFile(Path path) {
    this.path = path.toAbsolutePath();
  }

  public Path path() {
    return path;
  }

  /** The saved world, or empty when the file does not exist yet (the first run). */
  public Optional<JsonObject> read() {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("State file " + path + " cannot be read", e);
    }
    JsonObject state;
    try {
      state = JsonParser.parseString(text).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      // The parser's message may quote the file's content (secrets): not passed on.
      throw new IllegalStateException(
          "State file " + path + " is not valid JSON; delete it to start empty");
    }
    if (!state.has("format") || !FORMAT.equals(state.get("format").getAsString())) {
      throw new IllegalStateException(
          "State file "
              + path
              + " is not a "
              + FORMAT
              + " file; pass another state file or delete this one to start empty");
    }
    return Optional.of(state);
  }

  /** Writes {@code state} owner-only, replacing the file in one move. */
  public void write(JsonObject state) {
    try {
      Path dir = path.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + path.getFileName() + "-", ".tmp", ownerOnly());
      try {
        Files.writeString(tmp, state.toString(), StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      if (posix()) {
        Files.setPosixFilePermissions(path, OWNER_ONLY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("State file " + path + " cannot be written", e);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
