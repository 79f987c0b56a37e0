package dev.runwire.schemas.validation;

import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code validate <file|->}: checks a provisioning request the way the function will, before anyone
 * publishes it. Prints {@code valid: <requestId> (<mode>)} and returns 0, or prints every problem,
 * one per line as {@code <pointer>: <message>}, and returns 2. The job's {@code validate}
 * subcommand delegates here.
 */
public final class ValidateCommand {

  public static final int VALID = 0;
  public static final int INVALID = 2;

  private ValidateCommand() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: validate <request.json | ->");
      System.exit(INVALID);
    }
    System.exit(run(args[0], System.in, System.out));
  }

  /**
   * @param fileOrDash a path to a request file, or {@code -} for standard input
   * @return {@link #VALID} or {@link #INVALID}
   */
  public static int run(String fileOrDash, InputStream stdin, PrintStream out) {
    if (fileOrDash == null || fileOrDash.isBlank()) {
      out.println("usage: validate <request.json | ->  (- reads the request from standard input)");
      return INVALID;
    }
    byte[] raw;
    try {
      raw = fileOrDash.equals("-") ? readCapped(stdin) : readFile(Path.of(fileOrDash));
    } catch (NoSuchFileException e) {
      out.println("cannot read " + fileOrDash + ": no such file");
      return INVALID;
    } catch (AccessDeniedException e) {
      out.println("cannot read " + fileOrDash + ": permission denied");
      return INVALID;
    } catch (IOException | RuntimeException e) {
      out.println("cannot read " + fileOrDash + ": " + reason(e));
      return INVALID;
    }
    ValidationResult result = RequestValidator.standard().validate(raw);
    if (result.valid()) {
      out.println(
          "valid: " + result.request().requestId() + " (" + result.request().mode().wire() + ")");
      return VALID;
    }
    for (Problem problem : result.problems()) {
      out.println(problem);
    }
    return INVALID;
  }

  private static byte[] readFile(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      throw new IOException("it is a directory; give a request file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return readCapped(in);
    }
  }

  /** Reads at most one byte past the size cap: enough for the validator to say "too large". */
  private static byte[] readCapped(InputStream in) throws IOException {
    return in.readNBytes(StrictJsonReader.MAX_BYTES + 1);
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
